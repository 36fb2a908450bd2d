package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.quant.Int8Support;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --precision float32|int8} of predict / analyze (shared ModelOptions) on the tiny fixture. */
class PrecisionOptionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** int8 probabilities against the float64 reference (measured 4e-4 on this fixture with the oneDNN natives). */
  private static final double INT8_PROB_TOL = 5e-3;
  /** float32 (or the int8 fallback) against the float64 reference. */
  private static final double FLOAT_PROB_TOL = 1e-5;

  @Test
  void predictWithInt8RunsOrFallsBackWithANotice() throws IOException {
    JsonNode reference = JSON.readTree(PredictCommandTest.FIXTURE.resolve("reference.json").toFile()).get("items");
    StringBuilder in = new StringBuilder();
    for (JsonNode item : reference) {
      var o = JSON.createObjectNode();
      o.put("text", item.get("text").get(0).asText());
      if (item.get("text").size() == 2) {
        o.put("text_pair", item.get("text").get(1).asText());
      }
      in.append(o).append('\n');
    }
    PredictCommandTest.Run r = PredictCommandTest.run(in.toString(), "predict", "--model",
        PredictCommandTest.FIXTURE.toString(), "--precision", "int8");
    assertEquals(0, r.rc(), r.err());
    boolean int8 = Int8Support.available();
    if (int8) {
      assertTrue(r.err().isBlank(), "int8 runs: no notice expected, got " + r.err());
    } else {
      assertEquals(1, r.err().lines().count(), r.err());
      assertTrue(r.err().startsWith("note: int8 requested but unavailable") && r.err().contains("float32"),
          r.err());
    }
    List<String> labels = List.of("positive", "negative", "neutral");
    List<String> lines = r.outLines();
    assertEquals(reference.size(), lines.size());
    double worst = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode got = JSON.readTree(lines.get(i));
      JsonNode ref = reference.get(i);
      int best = 0;
      for (int j = 0; j < labels.size(); j++) {
        worst = Math.max(worst, Math.abs(got.get("probabilities").get(labels.get(j)).asDouble()
            - ref.get("probabilities").get(j).asDouble()));
        if (ref.get("probabilities").get(j).asDouble() > ref.get("probabilities").get(best).asDouble()) {
          best = j;
        }
      }
      assertEquals(labels.get(best), got.get("label").asText(), "item " + i + " label");
    }
    double tol = int8 ? INT8_PROB_TOL : FLOAT_PROB_TOL;
    System.out.printf("predict --precision int8 (%s): max |dprob| vs reference %.3e%n",
        int8 ? "int8" : "float32 fallback", worst);
    assertTrue(worst <= tol, "max |dprob| " + worst + " > " + tol);
  }

  @Test
  void analyzeAcceptsPrecisionAndUnknownValuesAreUserErrors() {
    PredictCommandTest.Run ok = PredictCommandTest.run("", "analyze", "--model",
        PredictCommandTest.FIXTURE.toString(), "--precision", "float32", "Profit rose.");
    assertEquals(0, ok.rc(), ok.err());
    assertTrue(ok.err().isBlank(), "float32 needs no notice: " + ok.err());
    PredictCommandTest.Run bf16 = PredictCommandTest.run("", "analyze", "--model",
        PredictCommandTest.FIXTURE.toString(), "--precision", "bf16", "Profit rose.");
    assertEquals(0, bf16.rc(), bf16.err());
    String why = io.finbert4j.core.quant.Precision.bf16Status();
    if (why != null) { // this CPU has no bf16 instructions: float32 with a one-line notice naming the reason
      assertEquals(1, bf16.err().lines().count(), bf16.err());
      assertTrue(bf16.err().startsWith("note: bf16 requested but unavailable") && bf16.err().contains(why),
          bf16.err());
    } else {
      assertTrue(bf16.err().isBlank(), "bf16 runs here and needs no notice: " + bf16.err());
    }
    PredictCommandTest.Run bad = PredictCommandTest.run("", "analyze", "--model",
        PredictCommandTest.FIXTURE.toString(), "--precision", "fp8", "Profit rose.");
    assertEquals(CliErrors.EXIT_USER_ERROR, bad.rc());
    assertEquals(1, bad.err().lines().count(), bad.err());
    assertTrue(bad.err().startsWith("error: --precision:") && bad.err().contains("fp8"), bad.err());
  }

  /** {@code bench --precision int8} reports the precision that actually ran, and the fallback notice if any. */
  @Test
  void benchReportsTheEffectivePrecision() throws IOException {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    int rc = Main.run(new String[] {"bench", "--model", PredictCommandTest.FIXTURE.toString(), "--batch-size", "2",
        "--length", "8", "--seconds", "0.2", "--precision", "int8", "--json"}, new java.io.PrintWriter(out),
        new java.io.PrintWriter(err));
    assertEquals(0, rc, err.toString());
    List<String> lines = out.toString().lines().toList();
    JsonNode o = JSON.readTree(lines.get(lines.size() - 1));
    String want = Int8Support.available() ? "int8" : "float32";
    assertEquals(want, o.get("precision").asText(), o.toString());
    assertEquals(!Int8Support.available(), err.toString().startsWith("note: int8 requested but unavailable"),
        err.toString());
  }
}
