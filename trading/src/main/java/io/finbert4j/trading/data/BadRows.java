package io.finbert4j.trading.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What happens to a malformed input row: by default the first one fails the read with {@link BadRowException}
 * (naming file, line and problem); with {@code skip} each is counted and kept for the report instead. Nothing is
 * dropped silently.
 */
public final class BadRows {
  private final boolean skip;
  private final List<String> skipped = new ArrayList<>();

  private BadRows(boolean skip) {
    this.skip = skip;
  }

  public static BadRows fail() {
    return new BadRows(false);
  }

  public static BadRows skip() {
    return new BadRows(true);
  }

  public boolean skipping() {
    return skip;
  }

  /** Reports a bad row: throws unless skipping, in which case it is recorded. */
  public void bad(String where, String problem) {
    String msg = where + ": " + problem;
    if (!skip) {
      throw new BadRowException(msg);
    }
    synchronized (skipped) {
      skipped.add(msg);
    }
  }

  public int count() {
    return skipped.size();
  }

  public List<String> messages() {
    return Collections.unmodifiableList(skipped);
  }

  /** A malformed input row; the message is {@code file:line: problem}. */
  public static final class BadRowException extends IllegalArgumentException {
    public BadRowException(String message) {
      super(message);
    }
  }
}
