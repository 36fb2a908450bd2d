package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyzeCommandTest {
  static final String MODEL = PredictCommandTest.FIXTURE.toString();
  static final String AAPL = "AAPL stock price spikes after record-breaking sales figures.";

  @Test
  void tableHasHeaderAndOneRowPerText() {
    PredictCommandTest.Run r =
        PredictCommandTest.run("", "analyze", "--model", MODEL, AAPL, "Shares fell.");
    assertEquals(0, r.rc(), r.err());
    List<String> lines = r.outLines();
    assertEquals(3, lines.size(), r.out());
    assertTrue(lines.get(0).matches("label\\s+positive\\s+negative\\s+neutral\\s+score\\s+tokens\\s+text"),
        lines.get(0));
    // reference.json: this sentence → positive 0.4698, negative 0.3527, neutral 0.1774, 14 tokens
    assertTrue(lines.get(1).matches(
        "positive\\s+0\\.4698\\s+0\\.3527\\s+0\\.1774\\s+\\+0\\.117\\s+14\\s+AAPL stock.*"), lines.get(1));
    assertTrue(lines.get(2).endsWith("Shares fell."));
  }

  @Test
  void readsStdinLinesWithoutArguments() {
    PredictCommandTest.Run r = PredictCommandTest.run(AAPL + "\nSecond line\n", "analyze", "--model", MODEL);
    assertEquals(0, r.rc(), r.err());
    assertEquals(3, r.outLines().size(), r.out());
  }

  @Test
  void documentModeShowsPartsAndAggregate() {
    PredictCommandTest.Run r = PredictCommandTest.run("", "analyze", "--model", MODEL, "--document",
        AAPL + " Shares fell sharply in early trading.");
    assertEquals(0, r.rc(), r.err());
    List<String> lines = r.outLines();
    assertEquals(4, lines.size(), r.out());
    assertTrue(lines.get(3).contains("= document (2 parts, token weighted mean)"), lines.get(3));
  }

  @Test
  void noInputIsAnError() {
    PredictCommandTest.Run r = PredictCommandTest.run("", "analyze", "--model", MODEL);
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertTrue(r.err().startsWith("error: no input"), r.err());
  }
}
