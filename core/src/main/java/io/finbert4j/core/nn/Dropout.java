package io.finbert4j.core.nn;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout as torch.nn.Dropout: in training each element is zeroed with probability p and
 * survivors are scaled by 1/(1−p); identity in eval mode. The backward cache is a compact {@link Mask}
 * (one byte per element) instead of a full-size array of 0 / 1/(1−p).
 *
 * <p>Randomness: each dropout site takes one seed from the {@link Mode}'s RNG (in forward order), and the
 * site's elements are cut into fixed blocks ({@link #BLOCK} elements here; one (batch row, head) block of
 * probabilities in {@link AttentionKernels}), each drawn from its own stream {@link #streamSeed}(site, block).
 * Blocks are independent, so they are drawn on all cores, and the masks depend on the seed alone, not on the
 * number of threads.
 */
public final class Dropout {
  private Dropout() {}

  /** 2^32: each 64-bit draw gives two 32-bit uniforms compared against p·2^32. */
  private static final double TWO_POW_32 = 4294967296.0;
  private static final long LOW32 = 0xFFFFFFFFL;
  /** Elements per independent random stream (and per parallel work item). */
  static final int BLOCK = 8192;

  /** Which elements survived (1) or were dropped (0), and the survivors' scale 1/(1−p). */
  public record Mask(byte[] keep, double scale) {}

  /** The seed of block {@code block}'s stream within the site seeded {@code siteSeed}. */
  static long streamSeed(long siteSeed, long block) {
    return siteSeed + (block + 1) * 0x9E3779B97F4A7C15L; // SplittableRandom mixes its seed: any spread is fine
  }

  /** keep[from .. from+len) = 1 with probability 1−p, else 0, from the stream seeded {@code seed}. */
  static void fillKeep(byte[] keep, int from, int len, double p, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    long threshold = (long) (p * TWO_POW_32);
    int end = from + len;
    int i = from;
    for (; i + 1 < end; i += 2) {
      long r = rng.nextLong();
      keep[i] = (byte) ((r & LOW32) >= threshold ? 1 : 0);
      keep[i + 1] = (byte) ((r >>> 32) >= threshold ? 1 : 0);
    }
    if (i < end) {
      keep[i] = (byte) ((rng.nextLong() & LOW32) >= threshold ? 1 : 0);
    }
  }

  /** The seed of the next dropout site of {@code mode} (training modes only). */
  static long siteSeed(Mode mode) {
    return mode.split().nextLong();
  }

  /** Applies dropout to {@code x} in place; returns the mask, or null when nothing was dropped. */
  public static Mask applyInPlace(INDArray x, double p, Mode mode) {
    return applyInPlace(x, p, mode, BLOCK);
  }

  /** As {@link #applyInPlace(INDArray, double, Mode)} with one random stream per {@code block} elements. */
  static Mask applyInPlace(INDArray x, double p, Mode mode, int block) {
    if (!mode.training() || p <= 0) {
      return null;
    }
    long site = siteSeed(mode);
    int n = Math.toIntExact(x.length());
    byte[] keep = new byte[n];
    Mask mask = new Mask(keep, 1.0 / (1.0 - p));
    Buf buf = Buf.of(x);
    FloatBuffer f = buf.floats();
    int blocks = (n + block - 1) / block;
    if (f != null) {
      float scale = (float) mask.scale();
      Kernels.forRanges(blocks, Kernels.parts(blocks, n), (part, c0, c1) -> {
        float[] a = Kernels.scratch(0, block);
        for (int c = c0; c < c1; c++) {
          int off = c * block;
          int len = Math.min(block, n - off);
          fillKeep(keep, off, len, p, streamSeed(site, c));
          f.get(off, a, 0, len);
          for (int i = 0; i < len; i++) {
            a[i] = keep[off + i] != 0 ? a[i] * scale : 0f;
          }
          f.put(off, a, 0, len);
        }
      });
      return mask;
    }
    for (int c = 0; c < blocks; c++) {
      int off = c * block;
      fillKeep(keep, off, Math.min(block, n - off), p, streamSeed(site, c));
    }
    apply(buf, buf, mask, n);
    return mask;
  }

  /** Backward: dY ⊙ mask in place (no-op when the mask is null). */
  public static void backwardInPlace(INDArray dY, Mask mask) {
    if (mask != null) {
      Buf b = Buf.of(dY);
      apply(b, b, mask, Math.toIntExact(dY.length()));
    }
  }

  /** Backward into a new array: dY ⊙ mask (a copy of dY when the mask is null); dY is left as it is. */
  public static INDArray backward(INDArray dY, Mask mask) {
    if (mask == null) {
      return dY.dup();
    }
    INDArray dX = newLike(dY);
    apply(Buf.of(dY), Buf.of(dX), mask, Math.toIntExact(dY.length()));
    return dX;
  }

  /** y[i] = keep[i] ? x[i]·scale : 0 (y may be x) — forward on x, and its own backward on dY. */
  private static void apply(Buf x, Buf y, Mask mask, int n) {
    byte[] keep = mask.keep();
    FloatBuffer fx = x.floats();
    FloatBuffer fy = y.floats();
    if (fx != null && fy != null) {
      float scale = (float) mask.scale();
      int blocks = (n + BLOCK - 1) / BLOCK;
      Kernels.forRanges(blocks, Kernels.parts(blocks, n), (part, c0, c1) -> {
        float[] a = Kernels.scratch(0, BLOCK);
        for (int c = c0; c < c1; c++) {
          int off = c * BLOCK;
          int len = Math.min(BLOCK, n - off);
          fx.get(off, a, 0, len);
          for (int i = 0; i < len; i++) {
            a[i] = keep[off + i] != 0 ? a[i] * scale : 0f;
          }
          fy.put(off, a, 0, len);
        }
      });
      return;
    }
    for (int i = 0; i < n; i++) {
      y.set(i, keep[i] != 0 ? x.get(i) * mask.scale() : 0.0);
    }
  }

  static INDArray newLike(INDArray x) {
    return Nd4j.createUninitialized(x.dataType(), x.shape());
  }
}
