package io.finbert4j.core.nn;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout as torch.nn.Dropout: in training each element is zeroed with probability p and
 * survivors are scaled by 1/(1−p); identity in eval mode. The backward cache is a compact {@link Mask}
 * (one byte per element) instead of a full-size array of 0 / 1/(1−p).
 */
public final class Dropout {
  private Dropout() {}

  /** 2^32: each 64-bit draw gives two 32-bit uniforms compared against p·2^32. */
  private static final double TWO_POW_32 = 4294967296.0;
  private static final long LOW32 = 0xFFFFFFFFL;

  /** Which elements survived (1) or were dropped (0), and the survivors' scale 1/(1−p). */
  public record Mask(byte[] keep, double scale) {}

  /** Applies dropout to {@code x} in place; returns the mask, or null when nothing was dropped. */
  public static Mask applyInPlace(INDArray x, double p, Mode mode) {
    if (!mode.training() || p <= 0) {
      return null;
    }
    SplittableRandom rng = mode.split();
    int n = Math.toIntExact(x.length());
    byte[] keep = new byte[n];
    long threshold = (long) (p * TWO_POW_32);
    int i = 0;
    for (; i + 1 < n; i += 2) {
      long r = rng.nextLong();
      keep[i] = (byte) ((r & LOW32) >= threshold ? 1 : 0);
      keep[i + 1] = (byte) ((r >>> 32) >= threshold ? 1 : 0);
    }
    if (i < n) {
      keep[i] = (byte) ((rng.nextLong() & LOW32) >= threshold ? 1 : 0);
    }
    Mask mask = new Mask(keep, 1.0 / (1.0 - p));
    apply(Buf.of(x), mask, n);
    return mask;
  }

  /** Backward: dY ⊙ mask in place (no-op when the mask is null). */
  public static void backwardInPlace(INDArray dY, Mask mask) {
    if (mask != null) {
      apply(Buf.of(dY), mask, Math.toIntExact(dY.length()));
    }
  }

  /** x[i] = keep[i] ? x[i]·scale : 0 — forward on x, and its own backward on dY. */
  private static void apply(Buf x, Mask mask, int n) {
    byte[] keep = mask.keep();
    FloatBuffer f = x.floats();
    if (f != null) {
      float scale = (float) mask.scale();
      final int chunk = 8192;
      float[] a = Kernels.scratch(0, chunk);
      for (int off = 0; off < n; off += chunk) {
        int len = Math.min(chunk, n - off);
        f.get(off, a, 0, len);
        for (int i = 0; i < len; i++) {
          a[i] = keep[off + i] != 0 ? a[i] * scale : 0f;
        }
        f.put(off, a, 0, len);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      x.set(i, keep[i] != 0 ? x.get(i) * mask.scale() : 0.0);
    }
  }

  static INDArray newLike(INDArray x) {
    return Nd4j.createUninitialized(x.dataType(), x.shape());
  }
}
