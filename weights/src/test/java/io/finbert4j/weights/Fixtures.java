package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-finbert fixture shared through the tests module (see COMMON.md); fails loudly when it is missing. */
final class Fixtures {
  private Fixtures() {}

  static Path tinyFinbert() {
    Path p = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
    assertTrue(
        Files.isRegularFile(p.resolve("model.safetensors")),
        "fixture missing: " + p.toAbsolutePath() + " must hold the tiny-finbert files (see /work/shared/fixtures)");
    return p;
  }
}
