package io.finbert4j.cli;

import picocli.CommandLine.Option;

/**
 * Mixin for {@code --verbose}: add {@code @Mixin VerboseOption verbose;} to a command so that its errors
 * print a stack trace after the one-line message.
 */
public final class VerboseOption {
  @Option(names = "--verbose", description = "Print stack traces on errors.")
  boolean verbose;

  public boolean verbose() {
    return verbose;
  }

  /** Implemented by commands that hold the flag themselves instead of the mixin. */
  public interface Holder {
    boolean verbose();
  }
}
