package io.finbert4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-score} end to end on local[2]: CSV (quoted commas and newlines) to Parquet and JSON lines to flat JSON
 * give the single-JVM results in input order; bad input gives a message and exit code 1 (2 for usage). The command
 * runs inside this class's session (it reuses an application's session and leaves it running).
 */
class SparkScoreTest {
  static final double TOL = 1e-5;
  static SparkSession spark;
  static Path model;
  static FinBert single;
  static final List<String> TEXTS = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    model = TestSpark.tinyModel();
    spark = TestSpark.session("SparkScoreTest");
    for (int i = 0; i < 40; i++) {
      TEXTS.add(switch (i % 4) {
        case 0 -> "Operating profit rose to EUR 13.1 mn, from EUR 8.7 mn (row " + i + ")";
        case 1 -> "Shares fell \"sharply\", analysts said;\nthe outlook was cut. " + i;
        case 2 -> "";
        default -> "Net sales were flat at " + i + " %.";
      });
    }
    single = FinBert.load(model);
  }

  @AfterAll
  static void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  record Run(int code, String err) {}

  static Run run(String... args) {
    StringWriter w = new StringWriter();
    int code = SparkScore.run(new PrintWriter(w, true), args);
    return new Run(code, w.toString());
  }

  static String csvQuote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  @Test
  void csvToParquetEqualsTheSingleJvmPath(@TempDir Path tmp) throws Exception {
    StringBuilder csv = new StringBuilder("id,text,source\n");
    for (int i = 0; i < TEXTS.size(); i++) {
      csv.append(i).append(',').append(csvQuote(TEXTS.get(i))).append(",wire-").append(i % 3).append('\n');
    }
    Path in = Files.writeString(tmp.resolve("news.csv"), csv);
    Path out = tmp.resolve("scored");
    Run r = run("--master", "local[2]", "--model", model.toString(), "--input", in.toString(),
        "--output", out.toString(), "--batch-size", "4");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")), "Spark's commit marker");
    List<Row> rows = new ArrayList<>(); // part files in name order (Spark reads a folder's files largest first)
    try (var parts = Files.list(out)) {
      for (Path p : parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList()) {
        rows.addAll(spark.read().parquet(p.toString()).collectAsList());
      }
    }
    assertEquals(TEXTS.size(), rows.size());
    List<SentimentResult> expected = single.analyze(TEXTS);
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertEquals(String.valueOf(i), row.getAs("id"), "input order");
      assertEquals("wire-" + (i % 3), row.getAs("source"));
      if (TEXTS.get(i).isEmpty()) { // Spark's CSV reader: an empty field, quoted or not, is null (documented)
        assertTrue(row.isNullAt(row.fieldIndex("text")) && row.isNullAt(row.fieldIndex("sentiment")), "row " + i);
        continue;
      }
      assertEquals(TEXTS.get(i), row.getAs("text"), "text kept byte for byte");
      Row s = row.getAs("sentiment");
      assertEquals(expected.get(i).label(), s.getAs("label"));
      for (String label : single.labels()) {
        assertEquals(expected.get(i).probability(label), (double) s.getAs(label), TOL, label + " row " + i);
      }
      assertEquals(expected.get(i).sentimentScore(), (double) s.getAs("sentiment_score"), TOL);
    }
    Run again = run("--master", "local[2]", "--model", model.toString(), "--input", in.toString(),
        "--output", out.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("already exists"), again.err());
  }

  @Test
  void jsonLinesToFlatJsonWithIdColumn(@TempDir Path tmp) throws Exception {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < TEXTS.size(); i++) {
      String t = TEXTS.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
      jsonl.append(i == 5 ? "{\"key\": 5, \"text\": null}" : "{\"key\": " + i + ", \"text\": \"" + t + "\"}")
          .append('\n');
    }
    Path in = Files.writeString(tmp.resolve("news.jsonl"), jsonl);
    Path out = tmp.resolve("scored-json");
    Run r = run("--master", "local[2]", "--model", model.toString(), "--input", in.toString(), "--output",
        out.toString(), "--format", "json", "--id-col", "key", "--flatten", "--partitions", "3");
    assertEquals(0, r.code(), r.err());
    var df = spark.read().json(out.toString());
    assertArrayEquals(new String[] {"key", "sentiment_label", "sentiment_negative", "sentiment_neutral",
        "sentiment_positive", "sentiment_sentiment_score", "sentiment_truncated"},
        java.util.Arrays.stream(df.columns()).sorted((a, b) -> a.equals("key") ? -1 : b.equals("key") ? 1
            : a.compareTo(b)).toArray(String[]::new));
    List<Row> rows = df.orderBy("key").collectAsList();
    assertEquals(TEXTS.size(), rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      assertEquals(i, ((Number) row.getAs("key")).intValue());
      if (i == 5) {
        assertTrue(row.isNullAt(row.fieldIndex("sentiment_label")), "null text → null result");
        continue;
      }
      SentimentResult e = single.analyze(TEXTS.get(i));
      assertEquals(e.label(), row.getAs("sentiment_label"));
      assertEquals(e.probability("negative"), (double) row.getAs("sentiment_negative"), TOL, "row " + i);
    }
  }

  @Test
  void badInputGivesAMessageAndExitCode(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("o");
    Run missing = run("--model", model.toString(), "--input", tmp.resolve("nope.csv").toString(), "--output",
        out.toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("nope.csv: no such file"), missing.err());

    Path txt = Files.writeString(tmp.resolve("news.txt"), "hello\n");
    Run unknown = run("--model", model.toString(), "--input", txt.toString(), "--output", out.toString());
    assertEquals(1, unknown.code());
    assertTrue(unknown.err().contains("--input-format"), unknown.err());

    Path csv = Files.writeString(tmp.resolve("h.csv"), "id,body\n1,hello\n");
    Run noColumn = run("--master", "local[2]", "--model", model.toString(), "--input", csv.toString(), "--output",
        out.toString());
    assertEquals(1, noColumn.code());
    assertTrue(noColumn.err().contains("no column 'text'") && noColumn.err().contains("body"), noColumn.err());

    Run badModel = run("--master", "local[2]", "--model", tmp.resolve("no-model").toString(), "--input",
        csv.toString(), "--text-col", "body", "--output", out.toString());
    assertEquals(1, badModel.code());
    assertTrue(badModel.err().contains("not reachable"), badModel.err());

    Run badJson = run("--master", "local[2]", "--model", model.toString(), "--input",
        Files.writeString(tmp.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \n").toString(),
        "--output", out.toString());
    assertEquals(1, badJson.code(), "malformed rows fail (FAILFAST), never silently dropped");

    assertEquals(2, run("--input", csv.toString(), "--output", out.toString()).code(), "--model is required");
    assertEquals(1, run("--model", model.toString(), "--input", csv.toString(), "--output", out.toString(),
        "--format", "xml").code());
    assertTrue(spark.sparkContext().isStopped() == false, "the application's session is left running");
  }
}
