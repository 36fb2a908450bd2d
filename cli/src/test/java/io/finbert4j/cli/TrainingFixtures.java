package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-finbert fixture (a copy lives in the tests module) and a helper to run the CLI in-process. */
final class TrainingFixtures {
  static final Path DIR = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");

  private TrainingFixtures() {}

  static Path dir() {
    assertTrue(Files.isRegularFile(DIR.resolve("config.json")),
        "fixture missing: " + DIR.toAbsolutePath() + " (the tests module's copy of /work/shared/fixtures/tiny-finbert)");
    return DIR;
  }

  static JsonNode reference() throws IOException {
    return new ObjectMapper().readTree(dir().resolve("reference.json").toFile());
  }

  /** Exit code, stdout, stderr of one CLI invocation. */
  record Run(int rc, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\\R");
      return lines[lines.length - 1];
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(rc, out.toString(), err.toString());
  }
}
