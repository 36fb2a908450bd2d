package io.finbert4j.core.nn;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Shape legend used in comments throughout the model: B batch, T sequence length, H hidden size,
 * NH attention heads, HS head size (H/NH), I intermediate size, V vocabulary, L layers.
 * Activations are kept 2-D as [B·T, H] (row = b·T + t).
 */
public final class Shapes {
  private Shapes() {}

  /** Checks a 2-D shape at a module boundary; -1 matches any size. */
  public static void check(String module, INDArray x, long rows, long cols) {
    long[] s = x.shape();
    if (s.length != 2 || (rows >= 0 && s[0] != rows) || (cols >= 0 && s[1] != cols)) {
      throw new IllegalArgumentException(module + ": expected input shape [" + (rows < 0 ? "*" : rows) + ", "
          + (cols < 0 ? "*" : cols) + "], got " + Arrays.toString(s));
    }
  }
}
