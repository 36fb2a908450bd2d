package io.finbert4j.weights.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or broken hub cannot make the client do, against servers on loopback (two ports = two origins):
 * send the token elsewhere, use plain HTTP off this machine, follow non-http redirects, write more than it announced,
 * keep a file whose digest is wrong, hang on a trickling body, or choose where in (or outside) the cache files land.
 * Each refusal must name the file or URL and leave the cache as it was.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HubSecurityTest {
  private static final String REPO = "org/model";
  private static final byte[] CONFIG = "{\"hidden_size\": 4}".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;
  private final List<HttpServer> servers = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "hostile-hub");
    t.setDaemon(true);
    return t;
  });

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
    pool.shutdownNow();
  }

  interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  /** A loopback server answering every request with {@code h}; returns its base URL. */
  private String serve(Handler h) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    s.setExecutor(pool);
    s.createContext("/", ex -> {
      try (ex) {
        h.handle(ex);
      }
    });
    s.start();
    servers.add(s);
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    if (ex.getRequestMethod().equals("HEAD") || body == null) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** Hub headers of a regular file: commit, git blob ETag, Content-Length on HEAD. */
  private static void regularFile(HttpExchange ex, String commit, String etag, byte[] content) throws IOException {
    ex.getResponseHeaders().set("X-Repo-Commit", commit);
    ex.getResponseHeaders().set("ETag", "\"" + etag + "\"");
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
    }
    send(ex, 200, content);
  }

  private Map<String, String> env(String endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("HF_HUB_CACHE", tmp.resolve("cache").toString());
    env.put("HF_ENDPOINT", endpoint);
    env.put("HOME", tmp.resolve("home").toString());
    return env;
  }

  /** Every regular file and link under the cache, as relative paths (locks excluded). */
  private List<String> cacheFiles() throws IOException {
    Path root = tmp.resolve("cache");
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !Files.isDirectory(p) && !root.relativize(p).startsWith(".locks"))
          .map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void tokenIsSentOnlyToTheEndpointsSchemeHostAndPort() {
    HubClient c = new HubClient("http://127.0.0.1:8080", "hf_secret");
    assertTrue(c.sendsTokenTo(URI.create("http://127.0.0.1:8080/org/model/resolve/main/config.json")));
    assertFalse(c.sendsTokenTo(URI.create("http://127.0.0.1:8081/lfs/abc")), "other port = other origin");
    assertFalse(c.sendsTokenTo(URI.create("https://127.0.0.1:8080/x")), "other scheme");
    assertFalse(c.sendsTokenTo(URI.create("http://localhost:8080/x")), "other host name");
    HubClient https = new HubClient("https://huggingface.co", "hf_secret");
    assertTrue(https.sendsTokenTo(URI.create("https://huggingface.co:443/api")));
    assertFalse(https.sendsTokenTo(URI.create("https://cdn-lfs.huggingface.co/repos/x")), "the CDN gets no token");
    assertFalse(https.sendsTokenTo(URI.create("http://huggingface.co/x")), "no downgrade to http");
  }

  @Test
  void theTokenDoesNotFollowTheRedirectToTheCdnOnAnotherPort() throws Exception {
    List<String> cdnAuth = new ArrayList<>();
    List<String> hubAuth = new ArrayList<>();
    byte[] weights = new byte[5000];
    String cdn = serve(ex -> {
      cdnAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      send(ex, 200, weights);
    });
    String hub = serve(ex -> {
      hubAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      ex.getResponseHeaders().set("X-Repo-Commit", FakeHub.COMMIT);
      ex.getResponseHeaders().set("X-Linked-Etag", "\"" + FakeHub.sha256(weights) + "\"");
      ex.getResponseHeaders().set("X-Linked-Size", Integer.toString(weights.length));
      ex.getResponseHeaders().set("Location", cdn + "/lfs/blob");
      send(ex, 302, null);
    });
    HubClient c = new HubClient(hub, "hf_secret");
    HubClient.FileMetadata md = c.head(REPO, "main", "model.safetensors");
    Path target = tmp.resolve("w.incomplete");
    c.download(md, target, ProgressListener.NONE);
    assertArrayEquals(weights, Files.readAllBytes(target));
    assertEquals(List.of("Bearer hf_secret"), hubAuth);
    assertEquals(List.of("null"), cdnAuth, "the CDN must never see the token");
  }

  @Test
  void plainHttpOffLoopbackIsRefusedUnlessAllowed() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new HubClient("http://hub.example.com", "hf_secret"));
    assertTrue(e.getMessage().contains("plain HTTP") && e.getMessage().contains("FINBERT_ALLOW_HTTP"), e.getMessage());
    assertDoesNotThrow(() -> new HubClient("http://hub.example.com", null, Duration.ofSeconds(1), true));
    assertDoesNotThrow(() -> new HubClient("http://localhost:1", null));
    assertDoesNotThrow(() -> new HubClient("http://[::1]:1", null));
    assertThrows(IllegalArgumentException.class, () -> new HubClient("ftp://hub.example.com", null));
    // through the resolver: a clear error before any connection is attempted
    ModelResolutionException r = assertThrows(ModelResolutionException.class,
        () -> ModelResolver.resolve(REPO, null, env("http://hub.example.com"), ProgressListener.NONE));
    assertTrue(r.getMessage().contains("HF_ENDPOINT") && r.getMessage().contains("plain HTTP"), r.getMessage());
    assertEquals(List.of(), cacheFiles());
  }

  @Test
  void redirectsToPlainHttpElsewhereOrToOtherSchemesAreRefused() throws Exception {
    for (String target : List.of("http://10.255.255.1/lfs/x", "file:///etc/passwd", "ftp://127.0.0.1/x")) {
      String hub = serve(ex -> {
        ex.getResponseHeaders().set("X-Repo-Commit", FakeHub.COMMIT);
        ex.getResponseHeaders().set("Location", target);
        send(ex, 302, null);
      });
      HubClient c = new HubClient(hub, "hf_secret");
      IOException e = assertThrows(IOException.class, () -> c.head(REPO, "main", "config.json"));
      assertTrue(e.getMessage().contains("refusing the redirect") && e.getMessage().contains(target), e.getMessage());
    }
  }

  @Test
  void aBodyLongerThanAnnouncedIsCutOffAndTheCacheIsLeftAsItWas() throws Exception {
    byte[] weights = new byte[4096];
    byte[] sent = new byte[weights.length + (1 << 20)]; // a megabyte more than announced
    String cdn = serve(ex -> send(ex, 200, sent));
    String hub = serve(ex -> {
      String path = ex.getRequestURI().getPath();
      if (path.endsWith("/config.json")) {
        regularFile(ex, FakeHub.COMMIT, FakeHub.gitSha1(CONFIG), CONFIG);
        return;
      }
      if (path.endsWith("/vocab.txt")) {
        byte[] v = "[PAD]\n[UNK]\n".getBytes(StandardCharsets.UTF_8);
        regularFile(ex, FakeHub.COMMIT, FakeHub.gitSha1(v), v);
        return;
      }
      if (path.endsWith("/model.safetensors")) {
        ex.getResponseHeaders().set("X-Repo-Commit", FakeHub.COMMIT);
        ex.getResponseHeaders().set("X-Linked-Etag", "\"" + FakeHub.sha256(weights) + "\"");
        ex.getResponseHeaders().set("X-Linked-Size", Integer.toString(weights.length));
        ex.getResponseHeaders().set("Location", cdn + "/lfs/blob");
        send(ex, 302, null);
        return;
      }
      send(ex, 404, null);
    });
    IOException e = assertThrows(IOException.class,
        () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
    assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("more than the 4096 bytes"),
        e.getMessage());
    List<String> files = cacheFiles();
    assertTrue(files.stream().noneMatch(f -> f.contains(FakeHub.sha256(weights))), "no weights blob: " + files);
    assertTrue(files.stream().noneMatch(f -> f.endsWith(".incomplete") || f.contains("refs")), "nothing partial: " + files);
  }

  @Test
  void aRegularFileWhoseGitBlobHashIsWrongIsDiscarded() throws Exception {
    String wrong = FakeHub.gitSha1("something else".getBytes(StandardCharsets.UTF_8));
    String hub = serve(ex -> regularFile(ex, FakeHub.COMMIT, wrong, CONFIG));
    IOException e = assertThrows(IOException.class,
        () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("git blob hash"), e.getMessage());
    List<String> files = cacheFiles();
    assertTrue(files.stream().noneMatch(f -> f.contains("blobs/") || f.contains("snapshots/") || f.contains("refs/")),
        "cache unchanged: " + files);
  }

  @Test
  void aTricklingBodyIsAbandonedInsteadOfHangingForever() throws Exception {
    byte[] weights = new byte[100_000];
    String cdn = serve(ex -> {
      ex.sendResponseHeaders(200, weights.length);
      OutputStream out = ex.getResponseBody();
      for (int i = 0; i < weights.length; i++) { // one byte per 20 ms: a slow-loris body
        out.write(weights[i]);
        out.flush();
        try {
          Thread.sleep(20);
        } catch (InterruptedException stop) {
          return;
        }
      }
    });
    String hub = serve(ex -> {
      ex.getResponseHeaders().set("X-Repo-Commit", FakeHub.COMMIT);
      ex.getResponseHeaders().set("X-Linked-Etag", "\"" + FakeHub.sha256(weights) + "\"");
      ex.getResponseHeaders().set("X-Linked-Size", Integer.toString(weights.length));
      ex.getResponseHeaders().set("Location", cdn + "/lfs/blob");
      send(ex, 302, null);
    });
    HubClient c = new HubClient(hub, null, Duration.ofMillis(400));
    HubClient.FileMetadata md = c.head(REPO, "main", "model.safetensors");
    long start = System.nanoTime();
    IOException e = assertThrows(IOException.class, () -> c.download(md, tmp.resolve("w.incomplete"), ProgressListener.NONE));
    assertTrue(e.getMessage().contains("failed after " + HubClient.MAX_ATTEMPTS + " attempts")
        && e.getMessage().contains("under " + HubClient.LOW_SPEED_BYTES + " bytes"), e.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "gave up in bounded time");
  }

  @Test
  void aFileWithoutAnAnnouncedSizeIsNotDownloaded() throws Exception {
    String hub = serve(ex -> {
      ex.getResponseHeaders().set("X-Repo-Commit", FakeHub.COMMIT);
      ex.getResponseHeaders().set("ETag", "\"" + FakeHub.gitSha1(CONFIG) + "\"");
      send(ex, 200, null); // HEAD without Content-Length
    });
    IOException e = assertThrows(IOException.class, () -> new HubClient(hub, null).head(REPO, "main", "config.json"));
    assertTrue(e.getMessage().contains("announced no size") && e.getMessage().contains("config.json"), e.getMessage());
  }

  @Test
  void aHostileCommitHashCannotChooseWhereFilesAreWritten() throws Exception {
    String evil = "../../../../evil";
    String hub = serve(ex -> regularFile(ex, evil, FakeHub.gitSha1(CONFIG), CONFIG));
    IOException e = assertThrows(IOException.class,
        () -> ModelResolver.resolve(REPO, null, env(hub), ProgressListener.NONE));
    assertTrue(e.getMessage().contains("X-Repo-Commit") && e.getMessage().contains(evil), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("evil")));
    assertEquals(List.of(), cacheFiles().stream().filter(f -> !f.startsWith("models--org--model/blobs")).toList());
  }

  @Test
  void hostileRevisionsAndFileNamesAreRefused() throws IOException {
    for (String rev : List.of("../../x", "/etc/passwd", "a//b", "main/", "..", "a\\b", "x\u0000y")) {
      ModelResolutionException e = assertThrows(ModelResolutionException.class,
          () -> ModelResolver.resolve(REPO, rev, env("http://127.0.0.1:9"), ProgressListener.NONE), rev);
      assertTrue(e.getMessage().contains("unsafe revision"), e.getMessage());
    }
    HfCache cache = new HfCache(tmp.resolve("cache"));
    Path blob = Files.writeString(tmp.resolve("blob"), "x");
    for (String file : List.of("../x", "/etc/passwd", "a/../../b", "a\\b", "", "a//b", "./x", "x\u0000")) {
      assertThrows(IllegalArgumentException.class, () -> cache.linkSnapshot(REPO, FakeHub.COMMIT, file, blob), file);
      assertThrows(IllegalArgumentException.class, () -> cache.markMissing(REPO, FakeHub.COMMIT, file), file);
    }
    assertThrows(IllegalArgumentException.class, () -> cache.snapshotDir(REPO, "../" + FakeHub.COMMIT));
    assertDoesNotThrow(() -> cache.linkSnapshot(REPO, FakeHub.COMMIT, "sub/dir/file.json", blob));
  }

  @Test
  void threadsOfOneJvmFillingTheSameCacheAtOnceGetOneCompleteCopy() throws Exception {
    Path fixture = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
    byte[] st = Files.readAllBytes(fixture.resolve("model.safetensors"));
    try (FakeHub hub = new FakeHub(REPO)) {
      hub.add("config.json", Files.readAllBytes(fixture.resolve("config.json")), false)
          .add("vocab.txt", Files.readAllBytes(fixture.resolve("vocab.txt")), false)
          .add("model.safetensors", st, true);
      Map<String, String> env = env(hub.endpoint());
      int threads = 4;
      ExecutorService exec = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Path>> fs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          Callable<Path> c = () -> ModelResolver.resolve(REPO, null, env, ProgressListener.NONE);
          fs.add(exec.submit(c));
        }
        Path first = fs.get(0).get();
        for (Future<Path> f : fs) {
          assertEquals(first, f.get());
        }
        assertArrayEquals(st, Files.readAllBytes(first.resolve("model.safetensors")));
        assertTrue(cacheFiles().stream().noneMatch(f -> f.endsWith(".incomplete") || f.endsWith(".tmp")),
            cacheFiles().toString());
      } finally {
        exec.shutdownNow();
      }
    }
  }
}
