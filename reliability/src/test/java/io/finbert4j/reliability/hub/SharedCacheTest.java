package io.finbert4j.reliability.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.reliability.fuzz.Fixture;
import io.finbert4j.weights.hub.ModelResolver;
import io.finbert4j.weights.hub.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face cache under concurrent and crashing writers, with real {@code finbert analyze} child processes
 * against a loopback hub: two processes filling the same cache at once (one download wins, the other waits on the
 * blob's lock and reuses it; no corrupt file), and a download killed with SIGKILL mid-transfer (the cache never
 * shows a partial file under a final name; the next run resumes the partial blob with a Range request).
 */
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedCacheTest {
  @TempDir Path tmp;

  private LoopbackHub hub() throws IOException {
    Path f = Fixture.dir();
    return new LoopbackHub().add("config.json", Files.readAllBytes(f.resolve("config.json")), false)
        .add("vocab.txt", Files.readAllBytes(f.resolve("vocab.txt")), false)
        .add("tokenizer_config.json", Files.readAllBytes(f.resolve("tokenizer_config.json")), false)
        .add("model.safetensors", Files.readAllBytes(f.resolve("model.safetensors")), true);
  }

  private Process analyze(LoopbackHub hub, Path cache, Path log) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "--add-modules", "jdk.incubator.vector", "-cp", cp,
        "io.finbert4j.cli.Main", "analyze", "--model", LoopbackHub.REPO, "Operating profit rose to EUR 13.1 mn.")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("HF_ENDPOINT", hub.endpoint());
    env.put("HF_HUB_CACHE", cache.toString());
    env.put("HOME", tmp.resolve("home").toString());
    env.remove("HF_TOKEN");
    env.remove("HF_HUB_OFFLINE");
    env.put("OPENBLAS_NUM_THREADS", "1");
    return pb.start();
  }

  private static List<String> files(Path root) throws IOException {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !Files.isDirectory(p)).map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private Path snapshot(Path cache) {
    return cache.resolve("models--org--tiny").resolve("snapshots").resolve(LoopbackHub.COMMIT);
  }

  @Test
  void twoCliProcessesFillingTheSameCacheAtOnceShareOneDownload() throws Exception {
    try (LoopbackHub hub = hub()) {
      Path cache = tmp.resolve("cache");
      Process a = analyze(hub, cache, tmp.resolve("a.log"));
      Process b = analyze(hub, cache, tmp.resolve("b.log"));
      assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS), "both finish");
      assertEquals(0, a.exitValue(), Files.readString(tmp.resolve("a.log")));
      assertEquals(0, b.exitValue(), Files.readString(tmp.resolve("b.log")));
      for (String log : List.of("a.log", "b.log")) {
        String out = Files.readString(tmp.resolve(log));
        assertTrue(out.contains("positive") || out.contains("negative") || out.contains("neutral"), out);
      }
      for (String f : List.of("config.json", "vocab.txt", "tokenizer_config.json", "model.safetensors")) {
        assertArrayEquals(Files.readAllBytes(Fixture.dir().resolve(f)), Files.readAllBytes(snapshot(cache).resolve(f)), f);
      }
      long weightGets = hub.cdnGets().stream().filter(g -> g.startsWith("model.safetensors")).count();
      assertEquals(1, weightGets, "one process downloads, the other waits and reuses: " + hub.cdnGets());
      assertTrue(files(cache).stream().noneMatch(f -> f.endsWith(".incomplete") || f.contains(".tmp")), files(cache).toString());
    }
  }

  @Test
  void aDownloadKilledMidTransferLeavesNoPartialFileAndResumes() throws Exception {
    Path cache = tmp.resolve("cache");
    byte[] weights = Files.readAllBytes(Fixture.dir().resolve("model.safetensors"));
    Random rnd = new Random(17);
    int resumed = 0;
    for (int seed = 0; seed < 3; seed++) {
      deleteTree(cache);
      try (LoopbackHub hub = hub()) {
        Process p = analyze(hub, cache, tmp.resolve("kill-" + seed + ".log"));
        Path blobs = cache.resolve("models--org--tiny").resolve("blobs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // wait for the first bytes of the transfer (not just the empty file: a rerun resumes only from a non-empty
        // partial file, and on a loaded machine the child may take longer than the pause below to write any)
        while (p.isAlive() && System.nanoTime() < deadline
            && files(blobs).stream().noneMatch(f -> f.endsWith(".incomplete") && size(blobs.resolve(f)) > 0)) {
          Thread.sleep(2);
        }
        Thread.sleep(rnd.nextInt(300)); // somewhere in the ~0.8 s transfer
        boolean killed = p.isAlive();
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        System.out.printf("hub download seed %d: %s%n", seed, killed ? "SIGKILL mid-transfer" : "finished first");
        // a snapshot entry, where present, is complete: entries are linked only after the blob was verified
        Path link = snapshot(cache).resolve("model.safetensors");
        if (Files.exists(link)) {
          assertArrayEquals(weights, Files.readAllBytes(link), "a linked weights file is complete");
        }
        for (String f : files(blobs)) {
          if (!f.endsWith(".incomplete")) {
            byte[] b = Files.readAllBytes(blobs.resolve(f));
            String name = blobs.resolve(f).getFileName().toString();
            assertTrue(name.equals(LoopbackHub.sha256(b)) || name.equals(LoopbackHub.gitSha1(b)),
                "a blob under its final name matches its hash: " + f);
          }
        }
        Map<String, String> env = new HashMap<>();
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("HF_HUB_CACHE", cache.toString());
        env.put("HOME", tmp.resolve("home").toString());
        Path dir = ModelResolver.resolve(LoopbackHub.REPO, null, env, ProgressListener.NONE);
        assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")), "the rerun completes");
        if (hub.cdnGets().stream().anyMatch(g -> !g.endsWith(" null"))) {
          resumed++;
        }
        assertTrue(files(cache).stream().noneMatch(f -> f.endsWith(".incomplete")), files(cache).toString());
      }
    }
    assertTrue(resumed >= 1, "at least one rerun resumed a partial transfer with a Range request");
  }

  /** The size of {@code f}, 0 when it has gone (renamed or deleted meanwhile). */
  static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Clears the cache between seeds. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
