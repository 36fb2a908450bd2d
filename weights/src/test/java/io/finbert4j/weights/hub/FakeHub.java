package io.finbert4j.weights.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face hub on loopback for tests: {@code /{repo}/resolve/{revision}/{file}} with the hub's headers
 * ({@code X-Repo-Commit}, {@code ETag}; LFS files answer 302 with {@code X-Linked-Etag} = sha256 and
 * {@code X-Linked-Size} and redirect to a second server, the "CDN", on another port, i.e. another origin), Range
 * support on the CDN, and switchable faults: a required token, a transfer cut midway, corrupted bytes, a renamed
 * repository (relative redirect) and a redirect loop. Every request is logged.
 */
final class FakeHub implements AutoCloseable {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  static final String RENAMED_FROM = "OldOrg/old-name";
  static final String LOOP_REPO = "loop/loop";

  /** One logged request. */
  record Request(String server, String method, String path, String range, String authorization) {}

  final String repoId;
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Set<String> lfs = new HashSet<>();
  final List<Request> log = Collections.synchronizedList(new ArrayList<>());
  /** When set, hub requests without {@code Authorization: Bearer <token>} get 401. */
  volatile String requiredToken;
  /** LFS file whose first full (non-Range) CDN transfer is cut after half of its bytes. */
  volatile String cutFirstTransferOf;
  /** With {@link #cutFirstTransferOf}: hold the connection silently this long before dropping it. */
  volatile long stallMillis;
  /** LFS file whose CDN bytes are corrupted (same length). */
  volatile String corrupt;

  private final Set<String> cutDone = Collections.synchronizedSet(new HashSet<>());
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fake-hub");
    t.setDaemon(true);
    return t;
  });
  private final HttpServer hub;
  private final HttpServer cdn;

  FakeHub(String repoId) throws IOException {
    this.repoId = repoId;
    InetAddress loopback = InetAddress.getLoopbackAddress();
    hub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    cdn = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    // one thread per exchange: a stalled transfer must not block the retry
    hub.setExecutor(pool);
    cdn.setExecutor(pool);
    hub.createContext("/", this::serveHub);
    cdn.createContext("/", this::serveCdn);
    hub.start();
    cdn.start();
  }

  FakeHub add(String file, byte[] content, boolean isLfs) {
    files.put(file, content);
    if (isLfs) {
      lfs.add(file);
    }
    return this;
  }

  String endpoint() {
    return "http://127.0.0.1:" + hub.getAddress().getPort();
  }

  String cdnBase() {
    return "http://127.0.0.1:" + cdn.getAddress().getPort();
  }

  List<Request> requests(String server) {
    synchronized (log) {
      return log.stream().filter(r -> r.server().equals(server)).toList();
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
    pool.shutdownNow();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** git's blob id, which the hub sends as the ETag of regular (non-LFS) files. */
  static String gitSha1(byte[] b) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-1");
      d.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(d.digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void serveHub(HttpExchange ex) throws IOException {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath();
      log.add(new Request("hub", ex.getRequestMethod(), raw, ex.getRequestHeaders().getFirst("Range"),
          ex.getRequestHeaders().getFirst("Authorization")));
      int at = raw.indexOf("/resolve/");
      if (at < 0) {
        empty(ex, 404);
        return;
      }
      String repo = raw.substring(1, at);
      String rest = raw.substring(at + "/resolve/".length());
      int slash = rest.indexOf('/');
      String rev = URLDecoder.decode(rest.substring(0, slash), StandardCharsets.UTF_8);
      String file = URLDecoder.decode(rest.substring(slash + 1), StandardCharsets.UTF_8);
      if (requiredToken != null && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().set("X-Error-Code", "GatedRepo");
        empty(ex, 401);
        return;
      }
      if (repo.equals(LOOP_REPO)) {
        ex.getResponseHeaders().set("Location", raw);
        empty(ex, 302);
        return;
      }
      if (repo.equals(RENAMED_FROM)) {
        // relative redirect of a renamed repository, followed by HEAD as well
        ex.getResponseHeaders().set("Location", "/" + repoId + "/resolve/" + rest);
        empty(ex, 307);
        return;
      }
      if (!repo.equals(repoId)) {
        ex.getResponseHeaders().set("X-Error-Code", "RepoNotFound");
        empty(ex, 404);
        return;
      }
      if (!rev.equals("main") && !rev.equals(COMMIT)) {
        ex.getResponseHeaders().set("X-Error-Code", "RevisionNotFound");
        empty(ex, 404);
        return;
      }
      ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
      byte[] content = files.get(file);
      if (content == null) {
        ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
        empty(ex, 404);
        return;
      }
      if (lfs.contains(file)) {
        String sha = sha256(content);
        ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
        ex.getResponseHeaders().set("X-Linked-Size", Long.toString(content.length));
        ex.getResponseHeaders().set("ETag", "\"" + gitSha1(content) + "\"");
        ex.getResponseHeaders().set("Location", cdnBase() + "/lfs/" + sha + "?X-Signature=abc");
        empty(ex, 302);
        return;
      }
      ex.getResponseHeaders().set("ETag", "\"" + gitSha1(content) + "\"");
      body(ex, 200, content, 0);
    }
  }

  private static final Pattern RANGE = Pattern.compile("^bytes=(\\d+)-$");

  private void serveCdn(HttpExchange ex) throws IOException {
    try (ex) {
      String range = ex.getRequestHeaders().getFirst("Range");
      log.add(new Request("cdn", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), range,
          ex.getRequestHeaders().getFirst("Authorization")));
      String sha = ex.getRequestURI().getPath().substring("/lfs/".length());
      String file = null;
      for (Map.Entry<String, byte[]> e : files.entrySet()) {
        if (lfs.contains(e.getKey()) && sha256(e.getValue()).equals(sha)) {
          file = e.getKey();
        }
      }
      if (file == null) {
        empty(ex, 404);
        return;
      }
      byte[] content = files.get(file).clone();
      if (file.equals(corrupt)) {
        content[content.length / 2] ^= 0x5A;
      }
      if (range == null && file.equals(cutFirstTransferOf) && cutDone.add(file)) {
        // announce the full length, send half, then drop the connection
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, content.length);
        OutputStream out = ex.getResponseBody();
        out.write(content, 0, content.length / 2);
        out.flush();
        if (stallMillis > 0) {
          sleep(stallMillis); // keep the connection open without sending anything
        }
        // an exception out of the handler makes the server drop the connection mid-body
        throw new IOException("test: transfer cut after " + content.length / 2 + " bytes");
      }
      if (range != null) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
          empty(ex, 400);
          return;
        }
        int from = Integer.parseInt(m.group(1));
        if (from >= content.length) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
          empty(ex, 416);
          return;
        }
        ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        body(ex, 206, content, from);
        return;
      }
      body(ex, 200, content, 0);
    }
  }

  private static void empty(HttpExchange ex, int status) throws IOException {
    ex.sendResponseHeaders(status, -1);
  }

  private static void body(HttpExchange ex, int status, byte[] content, int from) throws IOException {
    int len = content.length - from;
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(len));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, len);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(content, from, len);
    }
  }
}
