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
 * (at most {@link #MAX_ATTEMPTS} attempts); the size and the digest (sha256 for LFS files, git's blob sha1 for
 * regular ones) are verified before the file is renamed into place.
 *
 * <p>What a server cannot make this client do (each refused with a message naming the file or URL):
 * <ul>
 *   <li>send the token elsewhere: {@code Authorization} goes only to the endpoint's own scheme, host and port, never
 *       along a redirect to another origin (the LFS CDN);
 *   <li>use plain HTTP off this machine: an {@code http://} endpoint or redirect target other than loopback is refused
 *       unless the client was built with {@code allowPlainHttp} ({@code FINBERT_ALLOW_HTTP=1} for the resolver);
 *       only http and https URLs are followed;
 *   <li>write more than it announced: a body longer than the announced size is cut off and the download fails;
 *       a file whose size is not announced is not downloaded;
 *   <li>keep us waiting: at most {@link #MAX_REDIRECTS} redirects, {@code HEADERS_TIMEOUT} for response headers,
 *       and a transfer that delivers under {@link #LOW_SPEED_BYTES} bytes in a stall window (a slow-loris body) is
 *       abandoned and resumed, at most {@link #MAX_ATTEMPTS} times.
 * </ul>
 */
public final class HubClient {
  public static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  public static final int MAX_REDIRECTS = 10;
  public static final int MAX_ATTEMPTS = 5;
  /** A transfer that delivers fewer bytes than this in one stall window is abandoned (curl's --speed-limit). */
  public static final long LOW_SPEED_BYTES = 1024;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** Time allowed until response headers arrive (the body itself may take long for big files). */
  private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(30);
  /** The stall window: a transfer that delivers under {@link #LOW_SPEED_BYTES} in this long is abandoned. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);
  /** How often the downloading thread checks a transfer's progress. */
  private static final long POLL_MS = 100;
  private static final int BUFFER = 1 << 16;
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  private static final Pattern GIT_SHA1 = Pattern.compile("^[0-9a-f]{40}$");
  private static final Pattern CONTENT_RANGE = Pattern.compile("^bytes (\\d+)-(\\d+)/(\\d+|\\*)$");
  private static final String USER_AGENT = "finbert4j/0.1 (java; +https://github.com/finbert4j)";

  private final HttpClient http;
  private final URI endpoint;
  private final String token;
  private final long stallNanos;
  private final boolean allowPlainHttp;

  /** What a HEAD request tells about a file. */
  public record FileMetadata(String file, String commit, String etag, long size, URI downloadUri) {
    /** Whether the ETag is a sha256 digest of the content (LFS files). */
    public boolean etagIsSha256() {
      return etag != null && SHA256.matcher(etag).matches();
    }

    /** Whether the ETag is git's blob id (sha1 of {@code "blob <size>\0" + content}): the hub's regular files. */
    public boolean etagIsGitBlobSha1() {
      return etag != null && GIT_SHA1.matcher(etag).matches();
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
    this(endpoint, token, stallTimeout, false);
  }

  /**
   * @param allowPlainHttp whether {@code http://} URLs off this machine (endpoint or redirect targets) may be used;
   *     loopback is always allowed
   * @throws IllegalArgumentException if the endpoint is not an absolute http(s) URL, or is plain HTTP to another
   *     host without {@code allowPlainHttp}
   */
  public HubClient(String endpoint, String token, Duration stallTimeout, boolean allowPlainHttp) {
    this.stallNanos = stallTimeout.toNanos();
    this.allowPlainHttp = allowPlainHttp;
    String e = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    try {
      this.endpoint = URI.create(e);
    } catch (IllegalArgumentException bad) {
      throw new IllegalArgumentException("hub endpoint '" + endpoint + "' is not a valid URL: " + bad.getMessage(), bad);
    }
    String refusal = refusal(this.endpoint);
    if (refusal != null) {
      throw new IllegalArgumentException("hub endpoint '" + endpoint + "': " + refusal);
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
    long size;
    try {
      size = h.firstValueAsLong("X-Linked-Size").orElse(-1L);
      if (size < 0) {
        size = h.firstValueAsLong("Content-Length").orElse(-1L);
      }
    } catch (NumberFormatException e) {
      throw new IOException("the hub at " + asked + " sent a malformed size for " + file + " (" + e.getMessage() + ")");
    }
    if (size < 0) {
      // the size bounds what the transfer may write: no announced size, no download
      throw new IOException("the hub at " + asked + " announced no size (X-Linked-Size / Content-Length) for " + file
          + "; refusing to download a file of unbounded size");
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
      } catch (IntegrityException e) {
        Files.deleteIfExists(target);
        throw e;
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
          return new CappedFileSubscriber(target, false, md.size(), md.file());
        }
        if (s == 206) {
          long from = contentRangeStart(info.headers());
          rangeStart.set(from);
          if (from == have) {
            return new CappedFileSubscriber(target, true, md.size() - have, md.file());
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
    long windowStart = System.nanoTime();
    long windowStartSize = Files.exists(target) ? Files.size(target) : 0;
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
        }
        if (now - windowStart > stallNanos) {
          if (size - windowStartSize < LOW_SPEED_BYTES) {
            // nothing, or a trickle (a slow-loris body): give up on this exchange; the next attempt resumes
            cf.cancel(true);
            throw new IOException("under " + LOW_SPEED_BYTES + " bytes in " + stallNanos / 1_000_000
                + " ms (" + (size - windowStartSize) + " received), transfer abandoned");
          }
          windowStart = now;
          windowStartSize = size;
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
        throw new IntegrityException(
            md.file() + ": sha256 of the downloaded content is " + actual + " but the hub says " + md.etag()
                + " (file discarded; retry the download)");
      }
    } else if (md.etagIsGitBlobSha1()) {
      String actual = gitBlobSha1(file);
      if (!actual.equals(md.etag())) {
        Files.deleteIfExists(file);
        throw new IntegrityException(
            md.file() + ": git blob hash of the downloaded content is " + actual + " but the hub says " + md.etag()
                + " (file discarded; retry the download)");
      }
    }
  }

  /** Git's blob id of a file: hex sha1 of {@code "blob <size>\0"} followed by the content. */
  public static String gitBlobSha1(Path file) throws IOException {
    return digest("SHA-1", file, ("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  /** Hex sha256 of a file's content. */
  public static String sha256(Path file) throws IOException {
    return digest("SHA-256", file, new byte[0]);
  }

  private static String digest(String algorithm, Path file, byte[] prefix) throws IOException {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is required of every Java platform", e);
    }
    d.update(prefix);
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
    if (token != null && sendsTokenTo(uri)) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Whether a request to {@code uri} carries the token: only the endpoint's own scheme, host and port. */
  boolean sendsTokenTo(URI uri) {
    return sameOrigin(uri, endpoint);
  }

  /** Why a URL may not be requested (not http(s), no host, plain HTTP off loopback without permission), or null. */
  private String refusal(URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "only http and https URLs are used, not '" + u.getScheme() + "'";
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      return "the URL has no host";
    }
    if (scheme.equals("http") && !allowPlainHttp && !isLoopback(u.getHost())) {
      return "plain HTTP to " + u.getHost() + " is refused (tokens and files would travel unencrypted); use https, "
          + "or set FINBERT_ALLOW_HTTP=1 to allow it";
    }
    return null;
  }

  /** Loopback by name or literal address, decided without a DNS lookup. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
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

  private URI location(HttpResponse<?> r, URI current) throws IOException {
    Optional<String> loc = r.headers().firstValue("Location");
    if (loc.isEmpty()) {
      throw new IOException("redirect " + r.statusCode() + " from " + current + " without a Location header");
    }
    URI next;
    try {
      next = current.resolve(loc.get());
    } catch (IllegalArgumentException e) {
      throw new IOException("redirect " + r.statusCode() + " from " + current + " to a malformed Location '"
          + loc.get() + "'", e);
    }
    String refusal = refusal(next);
    if (refusal != null) {
      throw new HubHttpException(r.statusCode(), next,
          "refusing the redirect from " + current + " to " + next + ": " + refusal);
    }
    return next;
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

  /** The content is not what the hub announced (size or digest): not retried, the partial file is deleted. */
  public static final class IntegrityException extends IOException {
    private static final long serialVersionUID = 1L;

    IntegrityException(String message) {
      super(message);
    }
  }

  /**
   * Streams a response body into a file (appending for a resumed range), failing the exchange with an
   * {@link IntegrityException} as soon as the body exceeds {@code limit} bytes, so that a server cannot fill the disk
   * beyond the size it announced.
   */
  private static final class CappedFileSubscriber implements HttpResponse.BodySubscriber<Void> {
    private final Path target;
    private final boolean append;
    private final long limit;
    private final String file;
    private final CompletableFuture<Void> result = new CompletableFuture<>();
    private java.nio.channels.FileChannel channel;
    private java.util.concurrent.Flow.Subscription subscription;
    private long written;

    CappedFileSubscriber(Path target, boolean append, long limit, String file) {
      this.target = target;
      this.append = append;
      this.limit = limit;
      this.file = file;
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
      subscription = s;
      try {
        channel = append
            ? java.nio.channels.FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)
            : java.nio.channels.FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
      } catch (IOException e) {
        s.cancel();
        result.completeExceptionally(e);
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(java.util.List<java.nio.ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      try {
        for (java.nio.ByteBuffer b : items) {
          long n = b.remaining();
          if (written + n > limit) {
            subscription.cancel();
            closeQuietly();
            result.completeExceptionally(new IntegrityException(
                file + ": the server sent more than the " + limit + " bytes announced (file discarded)"));
            return;
          }
          while (b.hasRemaining()) {
            channel.write(b);
          }
          written += n;
        }
        subscription.request(1);
      } catch (IOException e) {
        subscription.cancel();
        closeQuietly();
        result.completeExceptionally(e);
      }
    }

    @Override
    public void onError(Throwable t) {
      closeQuietly();
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      try {
        if (channel != null) {
          channel.close();
        }
        result.complete(null);
      } catch (IOException e) {
        result.completeExceptionally(e);
      }
    }

    private void closeQuietly() {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // the exchange already failed; that failure is what gets reported
      }
    }
  }
}
