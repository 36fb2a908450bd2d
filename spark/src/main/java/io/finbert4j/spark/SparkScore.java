package io.finbert4j.spark;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code finbert spark-score}: scores a CSV, JSON-lines or Parquet input with {@link FinBertClassifier} and writes
 * Parquet (default), JSON lines or CSV. The same main class runs locally ({@code --master local[N]}, through the
 * {@code ./finbert} launcher) and under {@code spark-submit} with the module's jar (the master then comes from
 * spark-submit). A thin layer: everything it does is {@link FinBertClassifier} plus Spark's readers and writers.
 */
@Command(
    name = "spark-score",
    mixinStandardHelpOptions = true,
    description = {
      "Score a text column with FinBERT on Apache Spark and write the input's columns plus the result.",
      "Input: CSV (with a header), JSON lines or Parquet (by extension, or --input-format). Output: a directory",
      "of Parquet (default), JSON-lines or CSV part files; result struct column 'sentiment' (label, one",
      "probability per label, sentiment_score, truncated), or flat columns with --flatten (always for CSV).",
      "A null text gives a null result; malformed input rows fail the job with Spark's message."
    },
    footer = {
      "",
      "Examples:",
      "  finbert spark-score --master local[2] --model models/finbert --input news.csv --output scored/",
      "  spark-submit --class io.finbert4j.spark.SparkScore finbert4j-spark-*-spark-submit.jar \\",
      "      --model hdfs:///models/finbert --input hdfs:///news/2024 --input-format parquet --output hdfs:///scored"
    })
public final class SparkScore implements Callable<Integer> {

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[2] (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--model", required = true, paramLabel = "DIR|URI|ID",
      description = {"Model directory (reachable at this path on every executor), hdfs:// / s3a:// URI of one,",
          "or a Hugging Face hub id (resolved into each executor's HF cache)."})
  String model;

  @Option(names = "--revision", paramLabel = "REV", description = "Hub revision of a hub id (default: main).")
  String revision;

  @Option(names = "--input", required = true, paramLabel = "PATH", description = "Input file or directory.")
  String input;

  @Option(names = "--input-format", paramLabel = "csv|json|parquet",
      description = "Input format (default: from the extension: .csv, .json/.jsonl/.ndjson, .parquet).")
  String inputFormat;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Output directory.")
  String output;

  @Option(names = "--format", paramLabel = "parquet|json|csv", defaultValue = "parquet",
      description = "Output format (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--overwrite", description = "Replace an existing output directory.")
  boolean overwrite;

  @Option(names = "--text-col", paramLabel = "NAME", defaultValue = "text",
      description = "Text column (default: ${DEFAULT-VALUE}).")
  String textCol;

  @Option(names = "--id-col", paramLabel = "NAME",
      description = "Keep only this column (and the result) in the output instead of every input column.")
  String idCol;

  @Option(names = "--output-col", paramLabel = "NAME", defaultValue = "sentiment",
      description = "Result column, or prefix of the flat columns (default: ${DEFAULT-VALUE}).")
  String outputCol;

  @Option(names = "--flatten", description = "Flat result columns <output-col>_<field> instead of a struct.")
  boolean flatten;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
      description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--max-length", paramLabel = "T", defaultValue = "0",
      description = "Max tokens per text incl. [CLS]/[SEP] (default: the model's).")
  int maxLength;

  @Option(names = "--precision", paramLabel = "float32|int8", defaultValue = "float32",
      description = "Precision of the encoder's products (default: ${DEFAULT-VALUE}).")
  String precision;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "Model threads per task (default: spark.task.cpus).")
  int threads;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
      description = {"Partitions to score in (order kept). Default: the input's, raised to Spark's default",
          "parallelism when the input has fewer (a small file is one partition)."})
  int partitions;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark configuration (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A user-facing error: printed without a stack trace, exit code 1. */
  static final class UserException extends RuntimeException {
    UserException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command; returns the exit code (0 ok, 1 error, 2 usage). */
  public static int run(String... args) {
    return run(new PrintWriter(System.err, true), args);
  }

  /** {@link #run(String...)} with messages to {@code err}. */
  public static int run(PrintWriter err, String... args) {
    CommandLine cl = new CommandLine(new SparkScore()).setErr(err);
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("finbert spark-score: error: " + describe(e));
      cmd.getErr().flush();
      return 1;
    });
    return cl.execute(args);
  }

  /** The message a user needs: ours as is, Spark's job failures reduced to their root cause. */
  static String describe(Throwable e) {
    if (e instanceof UserException) {
      return e.getMessage();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
      if (root instanceof ModelLocator.ModelNotFoundException || root instanceof IllegalArgumentException) {
        break;
      }
    }
    String m = root.getMessage();
    return m == null ? root.toString() : m;
  }

  @Override
  public Integer call() {
    validate();
    PrintWriter err = spec.commandLine().getErr();
    SparkSession.Builder b = SparkSession.builder().appName("finbert spark-score");
    SparkConf given = new SparkConf(); // spark-submit passes its settings as system properties
    if (master != null) {
      b.master(master);
    } else if (!given.contains("spark.master")) {
      b.master("local[*]");
    }
    conf.forEach(b::config);
    boolean ours = SparkSession.getDefaultSession().isEmpty(); // run from an application: use its session, keep it
    SparkSession spark = b.getOrCreate();
    try {
      long t0 = System.nanoTime();
      Dataset<Row> in = read(spark);
      FinBertClassifier classifier = new FinBertClassifier()
          .setModel(model).setRevision(revision).setInputCol(textCol).setOutputCol(outputCol)
          .setFlatten(flatten || format.equals("csv")).setBatchSize(batchSize).setMaxLength(maxLength)
          .setPrecision(precision).setNumThreads(threads);
      Dataset<Row> scored = classifier.transform(spread(spark, in));
      if (idCol != null) {
        List<Column> keep = new ArrayList<>();
        keep.add(functions.col(idCol));
        for (String c : scored.columns()) {
          if (!Arrays.asList(in.columns()).contains(c)) {
            keep.add(functions.col(c));
          }
        }
        scored = scored.select(keep.toArray(new Column[0]));
      }
      scored.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists).format(format).save(output);
      double s = (System.nanoTime() - t0) / 1e9;
      err.printf(Locale.ROOT, "finbert spark-score: wrote %s (%s) in %.1f s%n", output, format, s);
      err.flush();
      return 0;
    } finally {
      if (ours) {
        spark.stop();
      }
    }
  }

  private void validate() {
    format = format.toLowerCase(Locale.ROOT);
    if (!List.of("parquet", "json", "csv").contains(format)) {
      throw new UserException("--format must be parquet, json or csv, got '" + format + "'");
    }
    if (batchSize < 1) {
      throw new UserException("--batch-size must be >= 1, got " + batchSize);
    }
    if (maxLength < 0 || threads < 0 || partitions < 0) {
      throw new UserException("--max-length, --threads and --partitions must be >= 0");
    }
    try {
      io.finbert4j.core.quant.Precision.parse(precision);
    } catch (IllegalArgumentException e) {
      throw new UserException("--precision: " + e.getMessage());
    }
    inputFormat = inputFormat != null ? inputFormat.toLowerCase(Locale.ROOT) : formatOf(input);
    if (!List.of("parquet", "json", "csv").contains(inputFormat)) {
      throw new UserException("--input-format must be csv, json or parquet, got '" + inputFormat + "'");
    }
    if (!input.contains("://") && !Files.exists(Path.of(input))) {
      throw new UserException("--input " + input + ": no such file or directory");
    }
  }

  private static String formatOf(String path) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (p.endsWith(".csv")) {
      return "csv";
    }
    if (p.endsWith(".json") || p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
      return "json";
    }
    if (p.endsWith(".parquet")) {
      return "parquet";
    }
    throw new UserException("--input " + path + ": cannot tell the format from the name; pass --input-format "
        + "csv|json|parquet");
  }

  /** The input, read so that malformed rows fail the job (FAILFAST) instead of turning into nulls. */
  private Dataset<Row> read(SparkSession spark) {
    DataFrameReader r = spark.read().option("mode", "FAILFAST");
    Dataset<Row> df = switch (inputFormat) {
      case "csv" -> r.option("header", "true").option("multiLine", "true").option("escape", "\"").csv(input);
      case "json" -> r.json(input);
      default -> r.parquet(input);
    };
    List<String> cols = Arrays.asList(df.columns());
    if (!cols.contains(textCol)) {
      throw new UserException("--input " + input + ": no column '" + textCol + "' (columns: " + cols
          + "); pass --text-col");
    }
    if (idCol != null && !cols.contains(idCol)) {
      throw new UserException("--input " + input + ": no column '" + idCol + "' (columns: " + cols + ")");
    }
    return df;
  }

  /**
   * The input in {@code --partitions} partitions (or Spark's default parallelism, if the input has fewer), rows in
   * their input order: a range repartition on the row position, sorted within each partition.
   */
  private Dataset<Row> spread(SparkSession spark, Dataset<Row> in) {
    int have = in.rdd().getNumPartitions();
    int want = partitions > 0 ? partitions : Math.max(have, spark.sparkContext().defaultParallelism());
    if (want == have) {
      return in;
    }
    String pos = "__finbert_row";
    return in.withColumn(pos, functions.monotonically_increasing_id())
        .repartitionByRange(want, functions.col(pos))
        .sortWithinPartitions(pos)
        .drop(pos);
  }
}
