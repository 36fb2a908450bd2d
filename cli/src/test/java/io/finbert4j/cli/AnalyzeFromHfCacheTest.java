package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `finbert analyze` with no --model resolves ProsusAI/finbert from a populated Hugging Face cache
 * (refs/main → snapshots/REV/ with symlinks into blobs/, as huggingface_hub lays it out), offline.
 */
class AnalyzeFromHfCacheTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static final String REV = "4556d13015211d73dccd3fdd39d39232506f3e43";

  @Test
  void analyzesFromCacheWithoutNetwork(@TempDir Path tmp) throws Exception {
    assertTrue(Files.isDirectory(FIXTURE), "fixture missing: " + FIXTURE.toAbsolutePath());
    Path repo = tmp.resolve("hub").resolve("models--ProsusAI--finbert");
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(REV));
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs").resolve("main"), REV);
    int n = 0;
    for (String f : List.of("config.json", "vocab.txt", "tokenizer_config.json", "pytorch_model.bin")) {
      Path blob = blobs.resolve("blob" + (n++));
      Files.copy(FIXTURE.resolve(f), blob);
      Files.createSymbolicLink(snap.resolve(f), Path.of("..", "..", "blobs", blob.getFileName().toString()));
    }
    Map<String, String> env = new HashMap<>();
    env.put("HF_HUB_CACHE", tmp.resolve("hub").toString());
    env.put("HF_HUB_OFFLINE", "1");

    AnalyzeCommand cmd = new AnalyzeCommand();
    CommandLine cl = new CommandLine(cmd);
    cmd.modelOptions.env = env;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int rc = cl.execute("AAPL stock price spikes after record-breaking sales figures.");
    assertEquals(0, rc, "stderr: " + err);
    String table = out.toString();
    // The fixture's reference: positive 0.4698, negative 0.3527, neutral 0.1774 (reference.json item 0).
    assertTrue(table.contains("0.4698") && table.contains("0.3527") && table.contains("0.1774"),
        "expected the reference probabilities in:\n" + table);
    assertTrue(table.lines().skip(1).findFirst().orElse("").startsWith("positive"), table);
  }
}
