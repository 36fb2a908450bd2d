package io.finbert4j.trading;

import java.util.Locale;

/** When market orders fill ({@code --fill}): at a session's open (default) or its close. */
public enum Fill {
  OPEN, CLOSE;

  public static Fill parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--fill must be open or close, got '" + s + "'");
    }
  }
}
