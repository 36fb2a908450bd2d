package io.finbert4j.weights.hub;

import java.io.IOException;

/**
 * A model could not be found locally nor downloaded. The message says what was looked for, where, and how to pass a
 * local directory instead ({@code --model DIR}).
 */
public class ModelResolutionException extends IOException {
  public ModelResolutionException(String message) {
    super(message);
  }

  public ModelResolutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
