package io.finbert4j.reliability.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Hugging Face hub on loopback for cross-process tests: {@code /{repo}/resolve/{rev}/{file}} with the hub's headers
 * (X-Repo-Commit, git-blob ETags for regular files; for LFS files a 302 with X-Linked-Etag/X-Linked-Size to a second
 * server on another port, the CDN, which honours Range and sends its body in slow chunks so that a transfer lasts
 * long enough to be killed in the middle). Every CDN GET is logged with its Range header.
 */
final class LoopbackHub implements AutoCloseable {
  static final String REPO = "org/tiny";
  static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final java.util.Set<String> lfs = new java.util.HashSet<>();
  final List<String> cdnGets = new CopyOnWriteArrayList<>();
  private final HttpServer hub;
  private final HttpServer cdn;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "loopback-hub");
    t.setDaemon(true);
    return t;
  });
  /** CDN body chunk and pause: 64 KiB every 25 ms ≈ 2.6 MB/s. */
  private static final int CHUNK = 64 << 10;
  private static final long PAUSE_MS = 25;

  LoopbackHub() throws IOException {
    hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hub.setExecutor(pool);
    cdn.setExecutor(pool);
    hub.createContext("/", this::serveHub);
    cdn.createContext("/", this::serveCdn);
    hub.start();
    cdn.start();
  }

  LoopbackHub add(String name, byte[] content, boolean isLfs) {
    files.put(name, content);
    if (isLfs) {
      lfs.add(name);
    }
    return this;
  }

  String endpoint() {
    return "http://127.0.0.1:" + hub.getAddress().getPort();
  }

  static String sha256(byte[] b) {
    return hex("SHA-256", new byte[0], b);
  }

  static String gitSha1(byte[] b) {
    return hex("SHA-1", ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII), b);
  }

  private static String hex(String alg, byte[] prefix, byte[] b) {
    try {
      MessageDigest d = MessageDigest.getInstance(alg);
      d.update(prefix);
      return HexFormat.of().formatHex(d.digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void serveHub(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String prefix = "/" + REPO + "/resolve/";
      if (!path.startsWith(prefix)) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      String rest = path.substring(prefix.length());
      String file = rest.substring(rest.indexOf('/') + 1);
      byte[] content = files.get(file);
      ex.getResponseHeaders().set("X-Repo-Commit", COMMIT);
      if (content == null) {
        ex.getResponseHeaders().set("X-Error-Code", "EntryNotFound");
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (lfs.contains(file)) {
        ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha256(content) + "\"");
        ex.getResponseHeaders().set("X-Linked-Size", Integer.toString(content.length));
        ex.getResponseHeaders().set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/lfs/" + file);
        ex.sendResponseHeaders(302, -1);
        return;
      }
      ex.getResponseHeaders().set("ETag", "\"" + gitSha1(content) + "\"");
      if (ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().set("Content-Length", Integer.toString(content.length));
        ex.sendResponseHeaders(200, -1);
        return;
      }
      ex.sendResponseHeaders(200, content.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(content);
      }
    }
  }

  private void serveCdn(HttpExchange ex) throws IOException {
    try (ex) {
      String file = ex.getRequestURI().getPath().substring("/lfs/".length());
      byte[] content = files.get(file);
      String range = ex.getRequestHeaders().getFirst("Range");
      cdnGets.add(file + " " + range);
      int from = 0;
      if (range != null && range.matches("bytes=\\d+-")) {
        from = Integer.parseInt(range.substring(6, range.length() - 1));
        if (from >= content.length) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + content.length);
          ex.sendResponseHeaders(416, -1);
          return;
        }
        ex.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (content.length - 1) + "/" + content.length);
        ex.sendResponseHeaders(206, content.length - from);
      } else {
        ex.sendResponseHeaders(200, content.length);
      }
      OutputStream out = ex.getResponseBody();
      for (int p = from; p < content.length; p += CHUNK) {
        out.write(content, p, Math.min(CHUNK, content.length - p));
        out.flush();
        try {
          Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
      out.close();
    } catch (IOException clientWentAway) {
      // a killed client: nothing to do
    }
  }

  List<String> cdnGets() {
    return Collections.unmodifiableList(cdnGets);
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
    pool.shutdownNow();
  }
}
