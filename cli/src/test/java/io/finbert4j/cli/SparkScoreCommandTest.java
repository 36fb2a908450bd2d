package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** spark-score is listed in the CLI's help and, reached without Spark, says how to run it. */
class SparkScoreCommandTest {
  @Test
  void listedInHelpAndReachedWithoutSparkItSaysHowToRunIt() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(err)));
    assertTrue(out.toString().contains("spark-score"), out.toString());

    out = new StringWriter();
    err = new StringWriter();
    int rc = Main.run(new String[] {"spark-score", "--model", "m", "--input", "x.csv", "--output", "o"},
        new PrintWriter(out), new PrintWriter(err));
    assertEquals(SparkScoreCommand.WRONG_JVM, rc);
    assertTrue(err.toString().contains("./finbert spark-score") && err.toString().contains("spark-submit"),
        err.toString());
  }
}
