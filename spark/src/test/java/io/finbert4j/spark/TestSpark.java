package io.finbert4j.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The test set-up: local[2], UI off, two shuffle partitions; the tiny fixture model. */
final class TestSpark {
  private TestSpark() {}

  /** The tiny model directory (src/test/resources/tiny-finbert); fails loudly when it is missing. */
  static Path tinyModel() {
    Path p = Path.of("src/test/resources/tiny-finbert").toAbsolutePath();
    if (!Files.isRegularFile(p.resolve("model.safetensors"))) {
      throw new IllegalStateException("test fixture missing: " + p + "/model.safetensors");
    }
    return p;
  }

  static SparkSession session(String name) {
    return SparkSession.builder()
        .appName(name)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
  }
}
