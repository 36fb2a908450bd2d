package io.finbert4j.cli;

import picocli.CommandLine;

/**
 * The CLI's error contract: any failure is one line on stderr naming the problem and a non-zero exit
 * code; the stack trace is printed only when the failing command has {@code --verbose} set
 * (see {@link VerboseOption}).
 */
public final class CliErrors {
  /** Exit code for bad input, missing files and other user-correctable errors. */
  public static final int EXIT_USER_ERROR = 1;
  /** Exit code for command-line syntax errors (picocli's convention). */
  public static final int EXIT_USAGE = 2;

  private CliErrors() {}

  /** A user-facing error whose message is printed as is (no exception class name). */
  public static final class UserException extends RuntimeException {
    public UserException(String message) {
      super(message);
    }

    public UserException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static String oneLine(Throwable t) {
    String msg = t.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = t.getClass().getSimpleName();
    } else if (!(t instanceof UserException)
        && !(t instanceof java.io.IOException)
        && !(t instanceof IllegalArgumentException)
        && !(t instanceof IllegalStateException)) {
      msg = t.getClass().getSimpleName() + ": " + msg;
    }
    return msg.replace('\n', ' ').replace('\r', ' ');
  }

  static boolean verbose(CommandLine cl) {
    for (CommandLine c = cl; c != null; c = c.getParent()) {
      Object o = c.getCommand();
      if (o instanceof VerboseOption.Holder h && h.verbose()) {
        return true;
      }
      for (Object mixin : c.getMixins().values()) {
        if (mixin instanceof VerboseOption v && v.verbose) {
          return true;
        }
      }
    }
    return false;
  }

  static final class ExecutionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception ex, CommandLine cl, CommandLine.ParseResult parseResult) {
      Throwable t = ex;
      cl.getErr().println("error: " + oneLine(t));
      if (verbose(cl)) {
        t.printStackTrace(cl.getErr());
      }
      cl.getErr().flush();
      return EXIT_USER_ERROR;
    }
  }

  static final class ParameterHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      cl.getErr().println("error: " + oneLine(ex));
      cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
      cl.getErr().flush();
      return EXIT_USAGE;
    }
  }
}
