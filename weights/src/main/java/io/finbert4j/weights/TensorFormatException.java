package io.finbert4j.weights;

import java.io.IOException;

/**
 * A checkpoint file violates its format (corrupt, truncated, inconsistent or lying header). The message names the
 * file, the tensor or record where known, and the violated rule.
 */
public class TensorFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TensorFormatException(String message) {
    super(message);
  }

  public TensorFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
