package io.finbert4j.weights.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Hugging Face hub cache layout, shared with the Python {@code huggingface_hub} library so that a model the
 * Python pipeline already downloaded is reused, and one downloaded here is visible to Python:
 *
 * <pre>
 * {cache}/models--{org}--{name}/
 *     refs/{revision}                  the commit hash a branch or tag points to (text, no newline)
 *     blobs/{etag}                     file contents, named by ETag (sha256 for LFS files, git sha1 otherwise)
 *     snapshots/{commit}/{file}        relative symlink → ../../blobs/{etag}
 *     .no_exist/{commit}/{file}        empty marker: the file does not exist at that commit
 * </pre>
 *
 * <p>{cache} is {@code $HF_HUB_CACHE}, else {@code $HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}.
 */
public final class HfCache {
  private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{40}$");
  /** Blob names must be plain file names (ETags from the hub are hex digests). */
  private static final Pattern SAFE_BLOB = Pattern.compile("^[A-Za-z0-9._-]{1,128}$");

  private final Path root;

  public HfCache(Path root) {
    this.root = root;
  }

  /** The cache in use for this environment (see the class comment for the order). */
  public static HfCache fromEnv(Map<String, String> env) {
    return new HfCache(cacheRoot(env));
  }

  /** The cache root directory for this environment. */
  public static Path cacheRoot(Map<String, String> env) {
    String hub = nonBlank(env.get("HF_HUB_CACHE"));
    if (hub == null) {
      hub = nonBlank(env.get("HUGGINGFACE_HUB_CACHE"));
    }
    if (hub != null) {
      return Path.of(expandHome(hub, env));
    }
    return hfHome(env).resolve("hub");
  }

  /** {@code $HF_HOME}, else {@code $XDG_CACHE_HOME/huggingface}, else {@code ~/.cache/huggingface}. */
  public static Path hfHome(Map<String, String> env) {
    String home = nonBlank(env.get("HF_HOME"));
    if (home != null) {
      return Path.of(expandHome(home, env));
    }
    String xdg = nonBlank(env.get("XDG_CACHE_HOME"));
    if (xdg != null) {
      return Path.of(expandHome(xdg, env), "huggingface");
    }
    return userHome(env).resolve(".cache").resolve("huggingface");
  }

  private static Path userHome(Map<String, String> env) {
    String h = nonBlank(env.get("HOME"));
    return Path.of(h != null ? h : System.getProperty("user.home"));
  }

  private static String expandHome(String p, Map<String, String> env) {
    return p.startsWith("~/") ? userHome(env).resolve(p.substring(2)).toString() : p;
  }

  static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  /** Whether {@code s} is a full 40-hex-digit commit hash. */
  public static boolean isCommitHash(String s) {
    return s != null && COMMIT.matcher(s).matches();
  }

  public Path root() {
    return root;
  }

  /** {@code models--org--name} for {@code org/name}. */
  public Path repoDir(String repoId) {
    return root.resolve("models--" + repoId.replace("/", "--"));
  }

  public Path snapshotDir(String repoId, String commit) {
    return repoDir(repoId).resolve("snapshots").resolve(checkCommit(commit));
  }

  private Path refFile(String repoId, String revision) {
    return inside(repoDir(repoId).resolve("refs"), checkRevision(revision), "revision");
  }

  private Path noExistMarker(String repoId, String commit, String file) {
    return inside(repoDir(repoId).resolve(".no_exist").resolve(checkCommit(commit)), file, "file name");
  }

  /** A branch or tag name as git allows it in a ref path: no {@code ..}, no leading '/', no NUL or backslash. */
  private static final Pattern REVISION = Pattern.compile("^[A-Za-z0-9._][A-Za-z0-9._/-]{0,254}$");

  /**
   * Checks a revision (branch, tag or commit) before it becomes part of a cache path.
   *
   * @throws IllegalArgumentException for names that could leave {@code refs/} ({@code ../}, absolute, odd characters)
   */
  public static String checkRevision(String revision) {
    if (revision == null || !REVISION.matcher(revision).matches() || revision.contains("..")
        || revision.endsWith("/") || revision.contains("//")) {
      throw new IllegalArgumentException("unsafe revision name '" + revision + "': a branch, tag or commit hash "
          + "may hold letters, digits, '.', '_', '-' and '/' (not '..', not leading or trailing '/')");
    }
    return revision;
  }

  /** Checks a commit hash (40 hex digits) before it becomes a folder name, e.g. one the server sent. */
  public static String checkCommit(String commit) {
    if (!isCommitHash(commit)) {
      throw new IllegalArgumentException("'" + commit + "' is not a 40-hex-digit commit hash");
    }
    return commit;
  }

  /**
   * {@code base.resolve(relative)}, refusing names that would land outside {@code base}: absolute paths, {@code ..}
   * segments, empty segments, backslashes, NULs.
   */
  static Path inside(Path base, String relative, String what) {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\\') >= 0
        || relative.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("unsafe " + what + " '" + relative + "'");
    }
    for (String seg : relative.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        throw new IllegalArgumentException("unsafe " + what + " '" + relative + "' (segment '" + seg + "')");
      }
    }
    Path p;
    try {
      p = base.resolve(relative).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      throw new IllegalArgumentException("unsafe " + what + " '" + relative + "': " + e.getReason(), e);
    }
    if (!p.startsWith(base.normalize()) || p.equals(base.normalize())) {
      throw new IllegalArgumentException("unsafe " + what + " '" + relative + "' (outside " + base + ")");
    }
    return p;
  }

  /** The commit a revision names: the revision itself if it is a commit hash, else {@code refs/{revision}}. */
  public Optional<String> commitFor(String repoId, String revision) throws IOException {
    if (isCommitHash(revision)) {
      return Optional.of(revision);
    }
    Path ref = refFile(repoId, revision);
    if (!Files.isRegularFile(ref)) {
      return Optional.empty();
    }
    String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
    return isCommitHash(commit) ? Optional.of(commit) : Optional.empty();
  }

  /** Records that {@code revision} points to {@code commit} (not done for commit hashes, like huggingface_hub). */
  public void writeRef(String repoId, String revision, String commit) throws IOException {
    if (revision.equals(commit)) {
      return;
    }
    Path ref = refFile(repoId, revision);
    Files.createDirectories(ref.getParent());
    Path tmp = uniqueSibling(ref, ".tmp");
    try {
      Files.writeString(tmp, commit, StandardCharsets.UTF_8);
      moveAtomically(tmp, ref);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The snapshot file if it exists and is readable (a dangling symlink counts as absent). */
  public Optional<Path> snapshotFile(String repoId, String commit, String file) {
    Path p = inside(snapshotDir(repoId, commit), file, "file name");
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Whether the cache knows the file to be absent at that commit. */
  public boolean knownMissing(String repoId, String commit, String file) {
    return Files.exists(noExistMarker(repoId, commit, file));
  }

  public void markMissing(String repoId, String commit, String file) throws IOException {
    Path marker = noExistMarker(repoId, commit, file);
    Files.createDirectories(marker.getParent());
    try {
      Files.createFile(marker);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // another process marked it first: same result
    }
  }

  /** Where the blob for an ETag lives (the ETag must be a plain file name). */
  public Path blobPath(String repoId, String etag) {
    if (!SAFE_BLOB.matcher(etag).matches()) {
      throw new IllegalArgumentException("unsafe blob name (ETag) '" + etag + "'");
    }
    return repoDir(repoId).resolve("blobs").resolve(etag);
  }

  static boolean isSafeBlobName(String etag) {
    return etag != null && SAFE_BLOB.matcher(etag).matches();
  }

  /**
   * Links {@code snapshots/{commit}/{file}} to the blob with a relative symlink (as huggingface_hub does); where the
   * file system cannot make symlinks, the blob is copied instead. Replaces an existing entry atomically.
   */
  public Path linkSnapshot(String repoId, String commit, String file, Path blob) throws IOException {
    Path link = inside(snapshotDir(repoId, commit), file, "file name");
    Files.createDirectories(link.getParent());
    // a name of our own: two processes linking the same file must not share a temporary
    Path tmp = uniqueSibling(link, ".link.tmp");
    try {
      try {
        Files.createSymbolicLink(tmp, link.getParent().relativize(blob));
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      moveAtomically(tmp, link);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return link;
  }

  /** {@code {name}.{random}{suffix}} next to {@code p} (not created): a temporary no other writer uses. */
  static Path uniqueSibling(Path p, String suffix) {
    return p.resolveSibling(p.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + suffix);
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  /**
   * Renames {@code from} over {@code to} atomically, after forcing a regular file's bytes to disk (so that a crash
   * right after the rename cannot leave the final name pointing at unwritten blocks), then syncs the folder.
   */
  static void moveAtomically(Path from, Path to) throws IOException {
    if (Files.isRegularFile(from, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(from, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
    }
    renameAtomically(from, to);
    try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(to.getParent(), java.nio.file.StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not every platform can sync a folder (Windows); the rename itself is still atomic
    }
  }

  private static void renameAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
