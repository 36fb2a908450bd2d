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

  /**
   * Runs a whole-file read and turns the ways a file can be unreadable as a whole into a {@link BadRowException}
   * naming it: bytes that are not UTF-8 (the JDK's decoder says only "Input length = 1") and a damaged zip. Other
   * I/O errors (missing file, no permission) pass through; they name the file already.
   */
  static <T> T wholeFile(java.nio.file.Path file, FileRead<T> read) throws java.io.IOException {
    try {
      return read.run();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new BadRowException(file + ": not UTF-8 text (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + ")");
    } catch (java.util.zip.ZipException e) {
      throw new BadRowException(file + ": not a readable zip file (" + e.getMessage() + ")");
    }
  }

  /** A read of one file. */
  @FunctionalInterface
  interface FileRead<T> {
    T run() throws java.io.IOException;
  }

  /** A malformed input row; the message is {@code file:line: problem}. */
  public static final class BadRowException extends IllegalArgumentException {
    public BadRowException(String message) {
      super(message);
    }
  }
}
