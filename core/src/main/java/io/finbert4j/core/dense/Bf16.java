package io.finbert4j.core.dense;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.BytePointer;

/** float32 → bf16 rounding (nearest, ties to even, as PyTorch's {@code .to(torch.bfloat16)} and oneDNN do). */
final class Bf16 {
  /** Elements per task: large enough to amortise the fork, small enough to split a 16-row product in two. */
  private static final int CHUNK = 1 << 14;

  private Bf16() {}

  /** The bf16 bits of {@code v}: the top 16 bits of its float32 bits after round-to-nearest-even. */
  static short round(float v) {
    int b = Float.floatToRawIntBits(v);
    return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
  }

  /** Rounds {@code count} float32 values at native address {@code src} to bf16 at {@code dst}. */
  static void round(long src, long dst, long count) {
    if (count > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("bf16 rounding of " + count + " values at once");
    }
    int n = (int) count;
    FloatBuffer in = new BytePointer(new OneDnn.Address(src)).capacity(4L * n).asByteBuffer()
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    ShortBuffer out = new BytePointer(new OneDnn.Address(dst)).capacity(2L * n).asByteBuffer()
        .order(ByteOrder.nativeOrder()).asShortBuffer();
    int chunks = (n + CHUNK - 1) / CHUNK;
    if (chunks <= 1) {
      roundRange(in, out, 0, n);
    } else {
      IntStream.range(0, chunks).parallel().forEach(c -> roundRange(in, out, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }
  }

  private static void roundRange(FloatBuffer in, ShortBuffer out, int from, int to) {
    float[] f = new float[Math.min(CHUNK, to - from)];
    short[] h = new short[f.length];
    for (int i = from; i < to; i += f.length) {
      int len = Math.min(f.length, to - i);
      in.get(i, f, 0, len);
      if (io.finbert4j.core.nn.VectorSupport.AVAILABLE) {
        Bf16Vectors.round(f, h, len);
      } else {
        for (int j = 0; j < len; j++) {
          h[j] = round(f[j]);
        }
      }
      out.put(i, h, 0, len);
    }
  }
}
