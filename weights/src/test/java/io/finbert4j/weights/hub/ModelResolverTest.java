package io.finbert4j.weights.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model resolution against a hub on loopback ({@link FakeHub}) and hand-built caches. Nothing here touches the
 * internet: every endpoint is 127.0.0.1.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModelResolverTest {
  private static final String REPO = "ProsusAI/finbert";
  private static final String TOKEN = "hf_test_token";
  private static Path fixture;
  private static byte[] config;
  private static byte[] vocab;
  private static byte[] tokenizerConfig;
  private static byte[] safetensors;
  private static byte[] pytorchBin;

  @TempDir Path tmp;

  @BeforeAll
  static void readFixture() throws IOException {
    fixture = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
    if (!Files.isDirectory(fixture)) {
      throw new IllegalStateException("fixture missing: " + fixture.toAbsolutePath() + " (tiny-finbert copy in the tests module)");
    }
    config = Files.readAllBytes(fixture.resolve("config.json"));
    vocab = Files.readAllBytes(fixture.resolve("vocab.txt"));
    tokenizerConfig = Files.readAllBytes(fixture.resolve("tokenizer_config.json"));
    safetensors = Files.readAllBytes(fixture.resolve("model.safetensors"));
    pytorchBin = Files.readAllBytes(fixture.resolve("pytorch_model.bin"));
  }

  private Map<String, String> env(FakeHub hub) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HUB_CACHE", tmp.resolve("cache").toString());
    env.put("HF_ENDPOINT", hub == null ? "http://127.0.0.1:9" : hub.endpoint());
    env.put("HOME", tmp.resolve("home").toString()); // keeps the real ~/.cache/huggingface/token out of tests
    return env;
  }

  /** Records progress callbacks. */
  static final class Recorder implements ProgressListener {
    final List<String> events = new ArrayList<>();

    @Override
    public void started(String file, long totalBytes, long resumedFrom) {
      events.add("started " + file);
    }

    @Override
    public void retrying(String file, long bytesSoFar, String reason) {
      events.add("retrying " + file + " at " + bytesSoFar);
    }

    @Override
    public void finished(String file, long totalBytes) {
      events.add("finished " + file + " " + totalBytes);
    }
  }

  @Test
  void downloadsIntoHfCacheLayoutFollowingLfsRedirectAndResumingACutTransfer() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false)
          .add("tokenizer_config.json", tokenizerConfig, false).add("model.safetensors", safetensors, true)
          .add("pytorch_model.bin", pytorchBin, true);
      hub.requiredToken = TOKEN;
      hub.cutFirstTransferOf = "model.safetensors";
      Map<String, String> env = env(hub);
      env.put("HF_TOKEN", TOKEN);
      Recorder progress = new Recorder();

      Path dir = ModelResolver.resolve(REPO, null, env, progress);

      Path repoDir = tmp.resolve("cache").resolve("models--ProsusAI--finbert");
      assertEquals(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT), dir);
      assertEquals(FakeHub.COMMIT, Files.readString(repoDir.resolve("refs/main")));
      String sha = FakeHub.sha256(safetensors);
      Path weights = dir.resolve("model.safetensors");
      assertTrue(Files.isSymbolicLink(weights), "snapshot entries are symlinks into blobs/");
      assertEquals(Path.of("..", "..", "blobs", sha), Files.readSymbolicLink(weights));
      assertArrayEquals(safetensors, Files.readAllBytes(weights));
      assertArrayEquals(config, Files.readAllBytes(dir.resolve("config.json")));
      assertArrayEquals(vocab, Files.readAllBytes(dir.resolve("vocab.txt")));
      assertArrayEquals(tokenizerConfig, Files.readAllBytes(dir.resolve("tokenizer_config.json")));
      // regular files are stored under their git blob id (the ETag)
      assertTrue(Files.isRegularFile(repoDir.resolve("blobs").resolve(FakeHub.gitSha1(vocab))));
      assertTrue(Files.exists(repoDir.resolve(".no_exist").resolve(FakeHub.COMMIT).resolve("special_tokens_map.json")),
          "a 404 for an optional file is remembered");
      assertFalse(Files.exists(dir.resolve("pytorch_model.bin")), "only one weights file is fetched");
      try (Stream<Path> blobs = Files.list(repoDir.resolve("blobs"))) {
        assertTrue(blobs.noneMatch(p -> p.toString().endsWith(".incomplete")), "no partial files left");
      }

      // The cut transfer was resumed with a Range request from where it broke off.
      List<FakeHub.Request> cdn = hub.requests("cdn");
      assertEquals(2, cdn.size(), "CDN requests: " + cdn);
      assertNull(cdn.get(0).range());
      assertTrue(cdn.get(1).range() != null && cdn.get(1).range().matches("bytes=[1-9]\\d*-"), "second: " + cdn.get(1));
      long resumedAt = Long.parseLong(cdn.get(1).range().replaceAll("\\D", ""));
      assertTrue(resumedAt > 0 && resumedAt < safetensors.length);
      assertTrue(progress.events.contains("retrying model.safetensors at " + resumedAt), progress.events.toString());
      assertTrue(progress.events.contains("finished model.safetensors " + safetensors.length), progress.events.toString());
      // The token goes to the hub only, never to the other host.
      assertTrue(cdn.stream().allMatch(r -> r.authorization() == null), "no Authorization to the CDN: " + cdn);
      assertTrue(hub.requests("hub").stream().allMatch(r -> ("Bearer " + TOKEN).equals(r.authorization())));
      // HEAD before GET, like huggingface_hub
      assertEquals("HEAD", hub.requests("hub").get(0).method());

      // Resolving again is served from the cache: no request at all.
      int before = hub.log.size();
      assertEquals(dir, ModelResolver.resolve(REPO, null, env, ProgressListener.NONE));
      assertEquals(before, hub.log.size(), "a complete cached snapshot needs no network");
    }
  }

  @Test
  void stalledTransferIsAbandonedAndResumed() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("model.safetensors", safetensors, true);
      hub.cutFirstTransferOf = "model.safetensors";
      hub.stallMillis = 10_000; // far longer than the client's stall timeout
      HubClient client = new HubClient(hub.endpoint(), null, java.time.Duration.ofMillis(500));
      HubClient.FileMetadata md = client.head(REPO, "main", "model.safetensors");
      assertEquals(FakeHub.sha256(safetensors), md.etag());
      assertEquals(safetensors.length, md.size());
      assertTrue(md.etagIsSha256());
      Path target = tmp.resolve("weights.incomplete");
      long t0 = System.nanoTime();
      Recorder progress = new Recorder();
      client.download(md, target, progress);
      assertTrue(System.nanoTime() - t0 < 8_000_000_000L, "the stall was cut short, not waited out");
      assertArrayEquals(safetensors, Files.readAllBytes(target));
      assertEquals(2, hub.requests("cdn").size());
      assertTrue(hub.requests("cdn").get(1).range() != null);
      assertTrue(progress.events.stream().anyMatch(e -> e.startsWith("retrying model.safetensors")), progress.events.toString());
    }
  }

  @Test
  void fallsBackToPytorchBinAndPinsACommit() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false)
          .add("special_tokens_map.json", "{}".getBytes(StandardCharsets.UTF_8), false)
          .add("pytorch_model.bin", pytorchBin, true);
      Map<String, String> env = env(hub);
      Path dir = ModelResolver.resolve(REPO, FakeHub.COMMIT, env, ProgressListener.NONE);
      assertArrayEquals(pytorchBin, Files.readAllBytes(dir.resolve("pytorch_model.bin")));
      Path repoDir = tmp.resolve("cache").resolve("models--ProsusAI--finbert");
      assertTrue(Files.exists(repoDir.resolve(".no_exist").resolve(FakeHub.COMMIT).resolve("model.safetensors")));
      assertFalse(Files.exists(repoDir.resolve("refs")), "no ref is written for a commit hash");
      assertTrue(hub.requests("hub").stream().allMatch(r -> r.path().contains("/resolve/" + FakeHub.COMMIT + "/")));
    }
  }

  @Test
  void followsRelativeRedirectOfARenamedRepository() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false).add("model.safetensors", safetensors, true);
      Path dir = ModelResolver.resolve(FakeHub.RENAMED_FROM, null, env(hub), ProgressListener.NONE);
      assertArrayEquals(safetensors, Files.readAllBytes(dir.resolve("model.safetensors")));
      assertTrue(dir.startsWith(tmp.resolve("cache").resolve("models--OldOrg--old-name")));
    }
  }

  @Test
  void corruptedDownloadIsRejectedBySha256() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false).add("model.safetensors", safetensors, true);
      hub.corrupt = "model.safetensors";
      IOException e = assertThrows(IOException.class,
          () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
      assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains(FakeHub.sha256(safetensors)), e.getMessage());
      Path repoDir = tmp.resolve("cache").resolve("models--ProsusAI--finbert");
      assertFalse(Files.exists(repoDir.resolve("blobs").resolve(FakeHub.sha256(safetensors))));
      assertFalse(Files.exists(repoDir.resolve("snapshots").resolve(FakeHub.COMMIT).resolve("model.safetensors")));
      assertFalse(Files.exists(repoDir.resolve("refs").resolve("main")), "no ref to an incomplete snapshot");
    }
  }

  @Test
  void populatedCacheIsUsedWithoutNetwork() throws Exception {
    // Layout the Python pipeline leaves behind: blobs + relative symlinks + refs/main, HF_HOME/hub as root.
    Path hfHome = tmp.resolve("hf-home");
    Path repoDir = hfHome.resolve("hub").resolve("models--ProsusAI--finbert");
    String commit = "fedcba9876543210fedcba9876543210fedcba98";
    Path snap = repoDir.resolve("snapshots").resolve(commit);
    Files.createDirectories(snap);
    Files.createDirectories(repoDir.resolve("blobs"));
    Files.createDirectories(repoDir.resolve("refs"));
    Files.writeString(repoDir.resolve("refs").resolve("main"), commit);
    Map<String, byte[]> files = Map.of("config.json", config, "vocab.txt", vocab, "tokenizer_config.json", tokenizerConfig,
        "special_tokens_map.json", "{}".getBytes(StandardCharsets.UTF_8), "pytorch_model.bin", pytorchBin);
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String blob = FakeHub.gitSha1(f.getValue());
      Files.write(repoDir.resolve("blobs").resolve(blob), f.getValue());
      Files.createSymbolicLink(snap.resolve(f.getKey()), Path.of("..", "..", "blobs", blob));
    }
    try (FakeHub hub = new FakeHub(REPO)) {
      Map<String, String> env = new HashMap<>();
      env.put("HF_HOME", hfHome.toString());
      env.put("HF_ENDPOINT", hub.endpoint());
      assertEquals(snap, ModelResolver.resolve(REPO, null, env, ProgressListener.NONE));
      assertEquals(snap, ModelResolver.resolve(REPO, commit, env, ProgressListener.NONE));
      assertEquals(0, hub.log.size(), "requests: " + hub.log);
      assertArrayEquals(pytorchBin, Files.readAllBytes(snap.resolve("pytorch_model.bin")));
    }
  }

  @Test
  void offlineWithCompleteRequiredFilesUsesSnapshotEvenIfOptionalOnesAreUnknown() throws Exception {
    Path root = tmp.resolve("cache");
    Path repoDir = root.resolve("models--ProsusAI--finbert");
    Path snap = repoDir.resolve("snapshots").resolve(FakeHub.COMMIT);
    Files.createDirectories(snap);
    Files.createDirectories(repoDir.resolve("refs"));
    Files.writeString(repoDir.resolve("refs").resolve("main"), FakeHub.COMMIT + "\n");
    Files.write(snap.resolve("config.json"), config);
    Files.write(snap.resolve("vocab.txt"), vocab);
    Files.write(snap.resolve("model.safetensors"), safetensors);
    Map<String, String> env = env(null);
    env.put("HF_HUB_OFFLINE", "1");
    assertEquals(snap, ModelResolver.resolve(REPO, null, env, ProgressListener.NONE));
    // online but unreachable: still usable, since only optional files are unsettled
    env.remove("HF_HUB_OFFLINE");
    assertEquals(snap, ModelResolver.resolve(REPO, null, env, ProgressListener.NONE));
  }

  @Test
  void offlineWithEmptyCacheExplainsWhatWasLookedForWhere() {
    Map<String, String> env = env(null);
    env.put("HF_HUB_OFFLINE", "1");
    ModelResolutionException e = assertThrows(ModelResolutionException.class,
        () -> ModelResolver.resolve(null, null, env, ProgressListener.NONE));
    String m = e.getMessage();
    assertTrue(m.contains("ProsusAI/finbert"), m);
    assertTrue(m.contains(tmp.resolve("cache").resolve("models--ProsusAI--finbert").toString()), m);
    assertTrue(m.contains("HF_HUB_OFFLINE"), m);
    assertTrue(m.contains("--model DIR"), m);
    assertTrue(m.contains("refs/main"), m);
  }

  @Test
  void unreachableHubWithEmptyCacheSaysSo() throws Exception {
    FakeHub closed = new FakeHub(REPO);
    String endpoint = closed.endpoint();
    closed.close(); // nothing listens there any more
    Map<String, String> env = env(null);
    env.put("HF_ENDPOINT", endpoint);
    ModelResolutionException e = assertThrows(ModelResolutionException.class,
        () -> ModelResolver.resolve(REPO, null, env, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("cannot be reached") && e.getMessage().contains("--model DIR"), e.getMessage());
  }

  @Test
  void unauthorizedAndNotFoundAreReportedClearly() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false).add("model.safetensors", safetensors, true);
      hub.requiredToken = TOKEN;
      HubHttpException e401 = assertThrows(HubHttpException.class,
          () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
      assertEquals(401, e401.status());
      assertTrue(e401.getMessage().contains("HF_TOKEN") && e401.getMessage().contains("no token was sent"),
          e401.getMessage());

      Map<String, String> wrong = env(hub);
      wrong.put("HF_TOKEN", "hf_wrong");
      HubHttpException eWrong = assertThrows(HubHttpException.class,
          () -> ModelResolver.resolve(REPO, null, wrong, ProgressListener.NONE));
      assertTrue(eWrong.getMessage().contains("not accepted"), eWrong.getMessage());

      hub.requiredToken = null;
      HubHttpException e404 = assertThrows(HubHttpException.class,
          () -> ModelResolver.resolve("nobody/nothing", null, env(hub), ProgressListener.NONE));
      assertTrue(e404.isNotFound());
      assertTrue(e404.getMessage().contains("config.json of nobody/nothing"), e404.getMessage());

      HubHttpException badRev = assertThrows(HubHttpException.class,
          () -> ModelResolver.resolve(REPO, "no-such-branch", env(hub), ProgressListener.NONE));
      assertTrue(badRev.isNotFound());
    }
  }

  @Test
  void missingWeightsOnTheHubIsAClearError() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", config, false).add("vocab.txt", vocab, false);
      ModelResolutionException e = assertThrows(ModelResolutionException.class,
          () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
      assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("pytorch_model.bin"), e.getMessage());
    }
  }

  @Test
  void redirectLoopIsBounded() throws Exception {
    try (FakeHub hub = new FakeHub(REPO)) {
      IOException e = assertThrows(IOException.class,
          () -> ModelResolver.resolve(FakeHub.LOOP_REPO, null, env(hub), ProgressListener.NONE));
      assertTrue(e.getMessage().contains("more than " + HubClient.MAX_REDIRECTS + " redirects"), e.getMessage());
      assertEquals(HubClient.MAX_REDIRECTS + 1, hub.log.size());
    }
  }

  @Test
  void directoryAndEnvironmentVariableComeFirst() throws Exception {
    Path local = Files.createDirectories(tmp.resolve("my-model"));
    Map<String, String> env = env(null);
    env.put("HF_HUB_OFFLINE", "1");
    assertEquals(local, ModelResolver.resolve(local.toString(), null, env, ProgressListener.NONE));
    env.put("FINBERT_MODEL", local.toString());
    assertEquals(local, ModelResolver.resolve(null, null, env, ProgressListener.NONE));
    ModelResolutionException e = assertThrows(ModelResolutionException.class,
        () -> ModelResolver.resolve(tmp.resolve("missing dir").toString(), null, env, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("not an existing directory"), e.getMessage());
  }

  @Test
  void cacheRootFollowsHuggingFaceHubPrecedence() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", "/home/u");
    assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HfCache.cacheRoot(env));
    env.put("XDG_CACHE_HOME", "/xdg");
    assertEquals(Path.of("/xdg/huggingface/hub"), HfCache.cacheRoot(env));
    env.put("HF_HOME", "/hf");
    assertEquals(Path.of("/hf/hub"), HfCache.cacheRoot(env));
    env.put("HF_HUB_CACHE", "/hubcache");
    assertEquals(Path.of("/hubcache"), HfCache.cacheRoot(env));
    assertEquals(Path.of("/hubcache/models--ProsusAI--finbert"), HfCache.fromEnv(env).repoDir(REPO));
  }

  @Test
  void etagsAreNormalised() {
    assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
    assertEquals("abc", HubClient.normalizeEtag("\"abc\""));
    assertNull(HubClient.normalizeEtag(null));
  }
}
