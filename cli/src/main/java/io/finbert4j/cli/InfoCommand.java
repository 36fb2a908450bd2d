package io.finbert4j.cli;

import io.finbert4j.core.Backend;
import io.finbert4j.core.BackendInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finbert info}: what ND4J runs on. */
@Command(
    name = "info",
    mixinStandardHelpOptions = true,
    description = {
      "Show the ND4J backend finbert4j runs on: backend, BLAS vendor, threads, data type, ND4J version,",
      "CPU features and Java version."
    },
    footer = {
      "",
      "Examples:",
      "  finbert info",
      "  finbert info --backend cuda     (fails with a clear message unless built with -Pcuda on a GPU host)"
    })
public final class InfoCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Option(
      names = "--backend",
      paramLabel = "cpu|cuda|auto",
      description = "ND4J backend to select (default: -Dfinbert.backend, else $FINBERT_BACKEND, else auto).")
  String backend;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PredictCommand.selectBackend(backend);
    BackendInfo info = Backend.describe();
    PrintWriter out = spec.commandLine().getOut();
    out.print(info);
    out.printf("%-21s %s%n", "backends on classpath:",
        (Backend.CPU.onClasspath() ? "cpu " : "") + (Backend.CUDA.onClasspath() ? "cuda" : ""));
    out.flush();
    return 0;
  }
}
