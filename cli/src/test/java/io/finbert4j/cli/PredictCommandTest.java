package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PredictCommandTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static final ObjectMapper JSON = new ObjectMapper();
  static JsonNode reference;

  /** Exit code, stdout and stderr of one CLI run. */
  record Run(int rc, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  /** Runs {@code finbert args...} with {@code stdin} as standard input of the subcommand. */
  static Run run(String stdin, String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    Object cmd = cl.getSubcommands().get(args[0]).getCommand();
    ByteArrayInputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
    if (cmd instanceof PredictCommand p) {
      p.in = in;
    } else if (cmd instanceof AnalyzeCommand a) {
      a.in = in;
    }
    int rc = cl.execute(args);
    return new Run(rc, out.toString(), err.toString());
  }

  @BeforeAll
  static void load() throws IOException {
    if (!Files.isDirectory(FIXTURE)) {
      throw new IllegalStateException("fixture missing: " + FIXTURE.toAbsolutePath());
    }
    reference = JSON.readTree(FIXTURE.resolve("reference.json").toFile()).get("items");
  }

  @Test
  void jsonLinesGiveReferenceProbabilitiesInOrder() throws IOException {
    StringBuilder in = new StringBuilder();
    for (JsonNode item : reference) {
      var o = JSON.createObjectNode();
      o.put("text", item.get("text").get(0).asText());
      if (item.get("text").size() == 2) {
        o.put("text_pair", item.get("text").get(1).asText());
      }
      in.append(o).append('\n');
    }
    // batch size 1 → chunks of 8 lines: the 10 items stream through two chunks
    Run r = run(in.toString(), "predict", "--model", FIXTURE.toString(), "--batch-size", "1");
    assertEquals(0, r.rc(), r.err());
    List<String> lines = r.outLines();
    assertEquals(reference.size(), lines.size());
    double worst = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode got = JSON.readTree(lines.get(i));
      JsonNode ref = reference.get(i);
      List<String> labels = List.of("positive", "negative", "neutral");
      for (int j = 0; j < labels.size(); j++) {
        worst = Math.max(worst, Math.abs(got.get("probabilities").get(labels.get(j)).asDouble()
            - ref.get("probabilities").get(j).asDouble()));
        assertEquals(ref.get("logits").get(j).asDouble(), got.get("logits").get(j).asDouble(), 1e-5);
      }
      assertFalse(got.get("truncated").asBoolean());
      assertEquals(ref.get("input_ids").size(), got.get("tokens").asInt());
      assertEquals(got.get("probabilities").get("positive").asDouble()
          - got.get("probabilities").get("negative").asDouble(), got.get("sentiment_score").asDouble(), 1e-9);
      assertTrue(labels.contains(got.get("label").asText()));
    }
    assertTrue(worst <= 1e-5, "worst probability difference " + worst);
  }

  @Test
  void plainLinesAndTruncationFlag() throws IOException {
    String longText = reference.get(1).get("text").get(0).asText(); // 33 tokens
    Run r = run("\n" + longText + "\n{not json, plain}\n", "predict", "--model", FIXTURE.toString(),
        "--plain", "--max-length", "16");
    assertEquals(0, r.rc(), r.err());
    List<String> lines = r.outLines();
    assertEquals(3, lines.size());
    assertEquals(2, JSON.readTree(lines.get(0)).get("tokens").asInt(), "empty line = [CLS] [SEP]");
    JsonNode t = JSON.readTree(lines.get(1));
    assertTrue(t.get("truncated").asBoolean());
    assertEquals(16, t.get("tokens").asInt());
  }

  @Test
  void malformedJsonNamesTheLine() {
    Run r = run("{\"text\": \"ok\"}\n{\"text\": \"ok\"}\n{\"text\": oops}\n", "predict", "--model",
        FIXTURE.toString());
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: line 3:"), r.err());
    Run noText = run("{\"txt\": \"ok\"}\n", "predict", "--model", FIXTURE.toString());
    assertEquals(CliErrors.EXIT_USER_ERROR, noText.rc());
    assertTrue(noText.err().contains("line 1") && noText.err().contains("\"text\""), noText.err());
  }

  @Test
  void userErrorsAreOneLine() {
    Run missing = run("", "predict", "--model", "no/such/model");
    assertEquals(CliErrors.EXIT_USER_ERROR, missing.rc());
    assertEquals(1, missing.err().lines().count(), missing.err());
    assertTrue(missing.err().contains("no/such/model"), missing.err());
    Run empty = run("", "predict", "--model", FIXTURE.toString());
    assertEquals(CliErrors.EXIT_USER_ERROR, empty.rc());
    assertTrue(empty.err().contains("no input"), empty.err());
    Run badBackend = run("x\n", "predict", "--model", FIXTURE.toString(), "--backend", "tpu");
    assertEquals(CliErrors.EXIT_USER_ERROR, badBackend.rc());
    assertTrue(badBackend.err().contains("cpu, cuda, auto"), badBackend.err());
    Run badBatch = run("x\n", "predict", "--model", FIXTURE.toString(), "--batch-size", "0");
    assertEquals(CliErrors.EXIT_USER_ERROR, badBatch.rc());
    assertTrue(badBatch.err().contains("--batch-size"), badBatch.err());
  }
}
