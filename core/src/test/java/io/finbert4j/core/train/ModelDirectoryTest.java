package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {
  @TempDir Path dir;

  @Test
  void publishReplacesTheTargetKeepingCheckpointsAndLeavesNoTemporaries() throws Exception {
    Path target = dir.resolve("model");
    Path first = ModelDirectory.tempBeside(target);
    Files.writeString(first.resolve("config.json"), "{\"v\": 1}");
    ModelDirectory.publish(first, target, true);
    assertEquals("{\"v\": 1}", Files.readString(target.resolve("config.json")));

    Files.createDirectories(target.resolve("checkpoint-last"));
    Files.writeString(target.resolve("checkpoint-last").resolve("x"), "keep");
    Files.writeString(target.resolve("stale.bin"), "old");
    Path second = ModelDirectory.tempBeside(target);
    Files.writeString(second.resolve("config.json"), "{\"v\": 2}");
    ModelDirectory.publish(second, target, true);
    assertEquals("{\"v\": 2}", Files.readString(target.resolve("config.json")));
    assertEquals("keep", Files.readString(target.resolve("checkpoint-last").resolve("x")));
    assertFalse(Files.exists(target.resolve("stale.bin")));
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the target remains beside it");
    }
    assertTrue(Files.isDirectory(target));
  }
}
