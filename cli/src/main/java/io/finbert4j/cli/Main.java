package io.finbert4j.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code finbert} command. Every subcommand is registered in {@link #SUBCOMMANDS};
 * errors are reported as one line on stderr with a non-zero exit (a stack trace only with --verbose),
 * see {@link CliErrors}.
 */
@Command(
    name = "finbert",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Pure-Java FinBERT: tokenize, classify, fine-tune and convert BERT models.",
    subcommandsRepeatable = false)
public final class Main implements Runnable {

  /** One subcommand class per line; keep the list sorted by command name. */
  static final List<Class<?>> SUBCOMMANDS =
      List.of(
          // subcommands:
          AnalyzeCommand.class,
          BacktestCommand.class,
          BenchCommand.class,
          ConvertCommand.class,
          EvaluateCommand.class,
          FinetuneCommand.class,
          GenerateNewsCommand.class,
          GradientsCommand.class,
          ImportOnnxCommand.class,
          InfoCommand.class,
          InitCommand.class,
          PredictCommand.class,
          QuickstartCommand.class,
          SparkScoreCommand.class,
          TokenizeCommand.class
          );

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with every subcommand and the shared error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Class<?> c : SUBCOMMANDS) {
      cl.addSubcommand(c);
    }
    cl.setExecutionExceptionHandler(new CliErrors.ExecutionHandler());
    cl.setParameterExceptionHandler(new CliErrors.ParameterHandler());
    return cl;
  }

  /** Runs the command line and returns its exit code (tests call this rather than {@link #main}). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int rc = cl.execute(args);
    out.flush();
    err.flush();
    return rc;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"finbert4j " + (v == null ? "dev" : v)};
    }
  }
}
