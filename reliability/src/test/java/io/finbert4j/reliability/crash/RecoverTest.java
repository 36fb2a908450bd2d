package io.finbert4j.reliability.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.train.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The states a SIGKILL inside {@link ModelDirectory#publish} can leave, built by hand (the random kills rarely land in
 * the microseconds between the two renames): the next write restores the old directory, and removes temporaries
 * and old copies of dead processes while leaving those of live ones.
 */
class RecoverTest {
  /** A process id that is not running (Linux pids stay below 2^22). */
  private static final long DEAD = 99_999_999L;

  @TempDir Path tmp;

  @Test
  void aCrashBetweenTheRenamesIsUndoneByTheNextWrite() throws Exception {
    Path out = tmp.resolve("model");
    Path old = Files.createDirectories(tmp.resolve(".model.old-" + DEAD + "-123"));
    Files.writeString(old.resolve("config.json"), "{\"old\": true}");
    Path olderStill = Files.createDirectories(tmp.resolve(".model.old-" + DEAD + "-100"));
    Path deadTmp = Files.createDirectories(tmp.resolve(".model.tmp-" + DEAD + "-abc"));
    Files.writeString(deadTmp.resolve("model.safetensors"), "partial");
    long self = ProcessHandle.current().pid();
    Path liveTmp = Files.createDirectories(tmp.resolve(".model.tmp-" + self + "-def"));

    assertTrue(ModelDirectory.recover(out), "the old version is restored");
    assertEquals("{\"old\": true}", Files.readString(out.resolve("config.json")));
    assertFalse(Files.exists(old) || Files.exists(olderStill) || Files.exists(deadTmp), "dead leftovers removed");
    assertTrue(Files.exists(liveTmp), "a write in progress (a live process) is left alone");
    assertFalse(ModelDirectory.recover(out), "nothing to do the second time");
  }
}
