package io.finbert4j.reliability.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.tokenizer.BertTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny-finbert fixture of the tests module (random FinBERT-shaped weights, the real FinBERT vocabulary). */
public final class Fixture {
  private Fixture() {}

  private static volatile BertTokenizer tokenizer;

  /** The fixture directory; fails loudly when it is missing. */
  public static Path dir() {
    Path p = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert").toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(p.resolve("model.safetensors")), "fixture missing: " + p);
    return p;
  }

  /** The fixture's tokenizer (vocab.txt + tokenizer_config.json), loaded once. */
  public static BertTokenizer tokenizer() {
    BertTokenizer t = tokenizer;
    if (t == null) {
      t = BertTokenizer.fromDirectory(dir());
      tokenizer = t;
    }
    return t;
  }
}
