package io.finbert4j.tokenizer;

/**
 * A tokenizer file is missing, unreadable or malformed. The message names the file (and the line where
 * one applies) and the violated rule.
 */
public final class TokenizerLoadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public TokenizerLoadException(String message) {
    super(message);
  }

  public TokenizerLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
