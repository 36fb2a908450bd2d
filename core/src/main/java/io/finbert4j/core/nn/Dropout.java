package io.finbert4j.core.nn;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout as torch.nn.Dropout: in training each element is zeroed with probability p and
 * survivors are scaled by 1/(1−p); identity in eval mode. The mask (0 or 1/(1−p)) is the backward cache.
 */
public final class Dropout {
  private Dropout() {}

  /** Applies dropout to {@code x} in place; returns the mask, or null when nothing was dropped. */
  public static INDArray applyInPlace(INDArray x, double p, Mode mode) {
    if (!mode.training() || p <= 0) {
      return null;
    }
    SplittableRandom rng = mode.split();
    INDArray mask = x.ulike();
    Buf m = Buf.of(mask);
    int n = m.length();
    double keep = 1.0 / (1.0 - p);
    for (int i = 0; i < n; i++) {
      m.set(i, rng.nextDouble() < p ? 0.0 : keep);
    }
    Kernels.mulInPlace(Buf.of(x), m, n);
    return mask;
  }

  /** Backward: dY ⊙ mask in place (no-op when the mask is null). */
  public static void backwardInPlace(INDArray dY, INDArray mask) {
    if (mask != null) {
      Kernels.mulInPlace(Buf.of(dY), Buf.of(mask), (int) dY.length());
    }
  }

  static INDArray newLike(INDArray x) {
    return Nd4j.createUninitialized(x.dataType(), x.shape());
  }
}
