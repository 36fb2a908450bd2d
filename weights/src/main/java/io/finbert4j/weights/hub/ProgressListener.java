package io.finbert4j.weights.hub;

import java.io.PrintStream;

/**
 * Receives download progress from {@link ModelResolver} / {@link HubClient}. All methods default to doing nothing,
 * so an implementation overrides only what it needs. Called from the downloading thread.
 */
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * A file transfer starts.
   *
   * @param totalBytes the file's size, or -1 if the server did not say
   * @param resumedFrom bytes already on disk from an earlier, interrupted transfer (0 for a fresh one)
   */
  default void started(String file, long totalBytes, long resumedFrom) {}

  /** {@code bytesSoFar} of {@code totalBytes} (-1 if unknown) are on disk. */
  default void advanced(String file, long bytesSoFar, long totalBytes) {}

  /** The file was downloaded and verified. */
  default void finished(String file, long totalBytes) {}

  /** A transfer broke off and will be resumed from {@code bytesSoFar}. */
  default void retrying(String file, long bytesSoFar, String reason) {}

  /** A progress bar on standard error when it is a terminal (a console is attached), otherwise {@link #NONE}. */
  static ProgressListener stderrIfTerminal() {
    return System.console() != null ? new ConsoleProgressBar(System.err) : NONE;
  }

  /** A progress bar on the given stream, whatever it is connected to. */
  static ProgressListener bar(PrintStream out) {
    return new ConsoleProgressBar(out);
  }
}
