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
    if (f != null) {
      applyBlocks(f, f, mask, n, block, p, site); // draws each block's mask, then applies it
      return mask;
    }
    for (int c = 0, blocks = (n + block - 1) / block; c < blocks; c++) {
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
    FloatBuffer fx = x.floats();
    FloatBuffer fy = y.floats();
    if (fx != null && fy != null) {
      applyBlocks(fx, fy, mask, n, BLOCK, 0, 0);
      return;
    }
    byte[] keep = mask.keep();
    for (int i = 0; i < n; i++) {
      y.set(i, keep[i] != 0 ? x.get(i) * mask.scale() : 0.0);
    }
  }

  /**
   * Float path of {@link #apply}, {@code block} elements at a time on all cores; with {@code p > 0} each block's
   * mask is first drawn from its stream {@link #streamSeed}(site, block) (forward), else the mask is read as it is.
   */
  private static void applyBlocks(FloatBuffer x, FloatBuffer y, Mask mask, int n, int block, double p, long site) {
    byte[] keep = mask.keep();
    float scale = (float) mask.scale();
    int blocks = (n + block - 1) / block;
    Kernels.forRanges(blocks, Kernels.parts(blocks, n), (part, c0, c1) -> {
      float[] a = Kernels.scratch(0, block);
      for (int c = c0; c < c1; c++) {
        int off = c * block;
        int len = Math.min(block, n - off);
        if (p > 0) {
          fillKeep(keep, off, len, p, streamSeed(site, c));
        }
        x.get(off, a, 0, len);
        applyKeep(a, 0, keep, off, scale, a, 0, len);
        y.put(off, a, 0, len);
      }
    });
  }

  /** dst[d0 + e] = keep[k0 + e] ? src[s0 + e]·scale : 0 for e &lt; n (dst may be src at the same offset). */
  static void applyKeep(float[] src, int s0, byte[] keep, int k0, float scale, float[] dst, int d0, int n) {
    for (int e = 0; e < n; e++) {
      dst[d0 + e] = keep[k0 + e] != 0 ? src[s0 + e] * scale : 0f;
    }
  }

  static INDArray newLike(INDArray x) {
    return Nd4j.createUninitialized(x.dataType(), x.shape());
  }
}
