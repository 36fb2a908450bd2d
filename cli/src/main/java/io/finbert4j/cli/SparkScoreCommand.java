package io.finbert4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code finbert spark-score}: listed here so that {@code finbert --help} shows it, but it runs in a JVM of its own
 * with Apache Spark on the class path (module {@code spark}, main class {@code io.finbert4j.spark.SparkScore}), so
 * that no other command loads Spark. The {@code ./finbert} launcher hands the command line to
 * {@code spark/bin/spark-score} before this class is reached; arriving here means the CLI was started some other
 * way (a plain {@code java -cp ... io.finbert4j.cli.Main}), and the user is told how to run it.
 */
@Command(
    name = "spark-score",
    mixinStandardHelpOptions = true,
    description = {
      "Score a CSV / JSON-lines / Parquet file with FinBERT on Apache Spark (local[N] or a cluster).",
      "Runs in its own JVM with Spark on the class path: ./finbert spark-score ... starts it (spark/bin/spark-score);",
      "on a cluster: spark-submit --class io.finbert4j.spark.SparkScore spark/target/finbert4j-spark-*-spark-submit.jar."
    },
    footer = {
      "",
      "Examples:",
      "  ./finbert spark-score --master local[2] --model models/finbert --input news.csv --output scores",
      "  ./finbert spark-score --help      (the full option list, from the spark module)"
    })
public final class SparkScoreCommand implements Callable<Integer> {
  /** Exit code of a command that cannot run in this JVM (a usage error: how it was started). */
  static final int WRONG_JVM = 2;

  /** Whatever was meant for the spark module's own parser: not interpreted here. */
  @CommandLine.Unmatched List<String> args;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("finbert spark-score: this JVM has no Spark on its class path. Run it as "
        + "./finbert spark-score ... (which starts spark/bin/spark-score), or on a cluster with spark-submit --class "
        + "io.finbert4j.spark.SparkScore and the spark module's -spark-submit jar (README, \"Spark\").");
    return WRONG_JVM;
  }
}
