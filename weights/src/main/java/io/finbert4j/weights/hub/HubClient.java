package io.finbert4j.weights.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads files from a Hugging Face hub ({@code {endpoint}/{repo}/resolve/{revision}/{file}}) the way
 * {@code huggingface_hub} does: a HEAD request first (not following the LFS redirect) to learn the commit
 * ({@code X-Repo-Commit}), the ETag ({@code X-Linked-Etag} for LFS files, which is the sha256 of the content, else
 * {@code ETag}) and the size ({@code X-Linked-Size}, else {@code Content-Length}); then a GET that follows redirects,
 * also to another host (the LFS CDN), sending the {@code Authorization} header only to the hub itself.
 *
 * <p>Transfers go to {@code {blob}.incomplete} and resume with an HTTP {@code Range} request after an interruption
 * (at most {@link #MAX_ATTEMPTS} attempts); the size and, for sha256 ETags, the digest are verified before the file
 * is renamed into place. Redirect chains are bounded by {@link #MAX_REDIRECTS}.
 */
public final class HubClient {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  public static final int MAX_REDIRECTS = 10;
  public static final int MAX_ATTEMPTS = 5;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Time allowed until response headers arrive (the body itself may take long for big files). */
  private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
  /** A transfer that delivers no byte for this long is abandoned (and resumed by the next attempt). */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
  /** How often the downloading thread checks a transfer's progress. */
  private static final long POLL_MS = 100;
  private static final int BUFFER = 1 << 16;
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$");
  private static final String USER_AGENT = "finbert4j/0.1 (java; +https://github.com/finbert4j)";

  private final HttpClient http;
  private final URI endpoint;
  private final String token;
  private final long stallNanos;

  /** What a HEAD request tells about a file. */
  public record FileMetadata(String file, String commit, String etag, long size, URI downloadUri) {
    /** Whether the ETag is a sha256 digest of the content (LFS files). */
    public boolean etagIsSha256() {
      return etag != null && SHA256.matcher(etag).matches();
    }
  }

  /**
   * @param endpoint hub base URL, e.g. {@value #DEFAULT_ENDPOINT}
   * @param token a bearer token for gated/private repositories, or null
   */
  public HubClient(String endpoint, String token) {
    this(endpoint, token, DEFAULT_STALL_TIMEOUT);
  }

  /**
   * @param stallTimeout how long a transfer may deliver nothing before it is abandoned and resumed
   */
  public HubClient(String endpoint, String token, Duration stallTimeout) {
    this.stallNanos = stallTimeout.toNanos();
    String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    this.endpoint = URI.create(e);
    if (this.endpoint.getScheme() == null || this.endpoint.getHost() == null) {
      throw new IllegalArgumentException("hub endpoint '" + endpoint + "' is not an absolute http(s) URL");
    }
    this.token = token;
    // Redirects are followed by hand: to read the LFS headers on the redirect itself, to bound the chain, and to
    // keep the token away from other hosts.
    this.http = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(CONNECT_TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  public URI endpoint() {
    return endpoint;
  }

  /** {@code {endpoint}/{repo}/resolve/{revision}/{file}}, the revision URL-encoded as one segment. */
  public URI resolveUri(String repoId, String revision, String file) {
    String rev = URLEncoder.encode(revision, StandardCharsets.UTF_8).replace("+", "%20");
    StringBuilder f = new StringBuilder();
    for (String seg : file.split("/")) {
      if (f.length() > 0) {
        f.append('/');
      }
      f.append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return URI.create(endpoint + "/" + repoId + "/resolve/" + rev + "/" + f);
  }

  /**
   * HEAD for a file: follows same-repository redirects (renamed repos) but stops at the LFS redirect, whose headers
   * carry the metadata and whose Location is where to GET the content.
   *
   * @throws HubHttpException for 401/403 (auth), 404 (no such repo, revision or file) and other error statuses
   */
  public FileMetadata head(String repoId, String revision, String file) throws IOException {
    URI uri = resolveUri(repoId, revision, file);
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()), uri,
          HttpResponse.BodyHandlers.discarding());
      int s = r.statusCode();
      HttpHeaders h = r.headers();
      if (s >= 300 && s < 400) {
        URI next = location(r, uri);
        boolean lfs = h.firstValue("X-Linked-Etag").isPresent() || h.firstValue("X-Linked-Size").isPresent();
        if (lfs) {
          return metadata(file, h, next, uri);
        }
        uri = next;
        continue;
      }
      if (s >= 200 && s < 300) {
        return metadata(file, h, uri, uri);
      }
      throw statusError(s, uri, repoId, file);
    }
    throw new IOException("more than " + MAX_REDIRECTS + " redirects for " + resolveUri(repoId, revision, file));
  }

  private static FileMetadata metadata(String file, HttpHeaders h, URI download, URI asked) throws IOException {
    String commit = h.firstValue("X-Repo-Commit").orElse(null);
    String etag = normalizeEtag(h.firstValue("X-Linked-Etag").or(() -> h.firstValue("ETag")).orElse(null));
    long size = h.firstValueAsLong("X-Linked-Size").orElse(-1L);
    if (size < 0) {
      size = h.firstValueAsLong("Content-Length").orElse(-1L);
    }
    return new FileMetadata(file, commit, etag, size, download);
  }

  /** {@code W/"abc"} → {@code abc}. */
  static String normalizeEtag(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.trim();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
      e = e.substring(1, e.length() - 1);
    }
    return e.isEmpty() ? null : e;
  }

  /**
   * Downloads a file's content to {@code target}, resuming from {@code target}'s existing bytes when present (use a
   * {@code .incomplete} path), and verifies size and sha256 (when the ETag is one). The caller renames it into place.
   *
   * @throws IOException if the transfer keeps failing after {@link #MAX_ATTEMPTS} attempts or verification fails
   *     (the partial file is deleted on a verification failure, kept for a later resume otherwise)
   */
  public void download(FileMetadata md, Path target, ProgressListener progress) throws IOException {
    Objects.requireNonNull(progress, "progress");
    long have = Files.exists(target) ? Files.size(target) : 0;
    if (md.size() >= 0 && have > md.size()) {
      Files.delete(target);
      have = 0;
    }
    progress.started(md.file(), md.size(), have);
    IOException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      have = Files.exists(target) ? Files.size(target) : 0;
      if (md.size() >= 0 && have == md.size()) {
        last = null;
        break;
      }
      try {
        if (transfer(md, target, have, progress)) {
          last = null;
          break;
        }
        last = new IOException("connection closed early");
      } catch (HubHttpException e) {
        throw e;
      } catch (IOException e) {
        last = e;
      }
      long now = Files.exists(target) ? Files.size(target) : 0;
      if (attempt < MAX_ATTEMPTS) {
        progress.retrying(md.file(), now, String.valueOf(last.getMessage()));
      }
    }
    if (last != null) {
      throw new IOException(
          "download of " + md.file() + " from " + md.downloadUri() + " failed after " + MAX_ATTEMPTS + " attempts ("
              + (Files.exists(target) ? Files.size(target) : 0) + (md.size() >= 0 ? " of " + md.size() : "") + " bytes kept in " + target
              + " for a later resume): " + last.getMessage(), last);
    }
    verify(md, target);
    progress.finished(md.file(), Files.size(target));
  }

  /**
   * One GET (following redirects) from byte {@code have}. Returns true when the body was read to its end and the
   * expected size (if known) is reached. The body streams straight into {@code target} (appended for a 206
   * answer, rewritten for a 200); the calling thread watches the file grow, reports progress, and cancels the
   * exchange when nothing arrives for the stall timeout (HttpClient has no read timeout for bodies).
   */
  private boolean transfer(FileMetadata md, Path target, long have, ProgressListener progress) throws IOException {
    URI uri = md.downloadUri();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      HttpRequest.Builder b = request(uri).GET();
      if (have > 0) {
        b.header("Range", "bytes=" + have + "-");
      }
      AtomicLong rangeStart = new AtomicLong(-1);
      HttpResponse.BodyHandler<Void> handler = info -> {
        int s = info.statusCode();
        if (s == 200) {
          rangeStart.set(0);
          return HttpResponse.BodySubscribers.mapping(
              HttpResponse.BodySubscribers.ofFile(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING), p -> null);
        }
        if (s == 206) {
          long from = contentRangeStart(info.headers());
          rangeStart.set(from);
          if (from == have) {
            return HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofFile(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), p -> null);
          }
        }
        return HttpResponse.BodySubscribers.discarding();
      };
      CompletableFuture<HttpResponse<Void>> cf = http.sendAsync(b.build(), handler);
      HttpResponse<Void> r = await(cf, md, target, progress);
      int s = r.statusCode();
      if (s >= 300 && s < 400) {
        uri = location(r, uri);
        continue;
      }
      if (s == 200 || (s == 206 && rangeStart.get() == have)) {
        long size = Files.exists(target) ? Files.size(target) : 0;
        return md.size() < 0 || size == md.size();
      }
      if (s == 206) {
        // the server resumed from elsewhere (or sent no valid Content-Range): start over rather than splice
        Files.deleteIfExists(target);
        return false;
      }
      if (s == 416) {
        if (md.size() >= 0 && have == md.size()) {
          return true;
        }
        Files.deleteIfExists(target);
        return false;
      }
      throw statusError(s, uri, null, md.file());
    }
    throw new IOException("more than " + MAX_REDIRECTS + " redirects downloading " + md.downloadUri());
  }

  /** Waits for an exchange, reporting the target's growth and cancelling it when it stalls. */
  private HttpResponse<Void> await(
      CompletableFuture<HttpResponse<Void>> cf, FileMetadata md, Path target, ProgressListener progress)
      throws IOException {
    long lastSize = -1;
    long lastChange = System.nanoTime();
    while (true) {
      try {
        return cf.get(POLL_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        long size = Files.exists(target) ? Files.size(target) : 0;
        long now = System.nanoTime();
        if (size != lastSize) {
          if (lastSize >= 0) {
            progress.advanced(md.file(), size, md.size());
          }
          lastSize = size;
          lastChange = now;
        } else if (now - lastChange > stallNanos) {
          cf.cancel(true);
          throw new IOException("no data for " + stallNanos / 1_000_000 + " ms, transfer abandoned");
        }
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        throw new IOException("download of " + md.file() + " failed: " + c, c);
      } catch (InterruptedException e) {
        cf.cancel(true);
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while downloading " + md.file());
      }
    }
  }

  /** The first byte of a 206 answer's {@code Content-Range}, or -1 if absent or malformed. */
  private static long contentRangeStart(HttpHeaders h) {
    Matcher m = CONTENT_RANGE.matcher(h.firstValue("Content-Range").orElse("").trim());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static void verify(FileMetadata md, Path file) throws IOException {
    long size = Files.size(file);
    if (md.size() >= 0 && size != md.size()) {
      Files.deleteIfExists(file);
      throw new IOException(
          md.file() + ": downloaded " + size + " bytes but the hub announced " + md.size() + " (file discarded)");
    }
    if (md.etagIsSha256()) {
      String actual = sha256(file);
      if (!actual.equals(md.etag())) {
        Files.deleteIfExists(file);
        throw new IOException(
            md.file() + ": sha256 of the downloaded content is " + actual + " but the hub says " + md.etag()
                + " (file discarded; retry the download)");
      }
    }
  }

  /** Hex sha256 of a file's content. */
  public static String sha256(Path file) throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[BUFFER];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(HEADERS_TIMEOUT).header("User-Agent", USER_AGENT);
    if (token != null && sameOrigin(uri, endpoint)) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return u.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
  }

  private static URI location(HttpResponse<?> r, URI current) throws IOException {
    Optional<String> loc = r.headers().firstValue("Location");
    if (loc.isEmpty()) {
      throw new IOException("redirect " + r.statusCode() + " from " + current + " without a Location header");
    }
    return current.resolve(loc.get());
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder b, URI uri, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(b.build(), handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while requesting " + uri);
    }
  }

  private HubHttpException statusError(int s, URI uri, String repoId, String file) {
    String what = repoId != null ? file + " of " + repoId : file;
    return switch (s) {
      case 401, 403 -> new HubHttpException(
          s, uri,
          "the hub refused access to " + what + " (HTTP " + s + " at " + uri + "): the repository is private or gated, "
              + "or does not exist; set HF_TOKEN to an access token that may read it"
              + (token == null ? " (no token was sent)" : " (the token sent was not accepted)"));
      case 404 -> new HubHttpException(s, uri, "not found on the hub: " + what + " (HTTP 404 at " + uri + ")");
      default -> new HubHttpException(s, uri, "the hub answered HTTP " + s + " for " + what + " at " + uri);
    };
  }
}
