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
    return repoDir(repoId).resolve("snapshots").resolve(commit);
  }

  private Path refFile(String repoId, String revision) {
    return repoDir(repoId).resolve("refs").resolve(revision);
  }

  private Path noExistMarker(String repoId, String commit, String file) {
    return repoDir(repoId).resolve(".no_exist").resolve(commit).resolve(file);
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
    Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp");
    Files.writeString(tmp, commit, StandardCharsets.UTF_8);
    moveAtomically(tmp, ref);
  }

  /** The snapshot file if it exists and is readable (a dangling symlink counts as absent). */
  public Optional<Path> snapshotFile(String repoId, String commit, String file) {
    Path p = snapshotDir(repoId, commit).resolve(file);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Whether the cache knows the file to be absent at that commit. */
  public boolean knownMissing(String repoId, String commit, String file) {
    return Files.exists(noExistMarker(repoId, commit, file));
  }

  public void markMissing(String repoId, String commit, String file) throws IOException {
    Path marker = noExistMarker(repoId, commit, file);
    Files.createDirectories(marker.getParent());
    if (!Files.exists(marker)) {
      Files.createFile(marker);
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
    Path link = snapshotDir(repoId, commit).resolve(file);
    Files.createDirectories(link.getParent());
    Path tmp = link.resolveSibling(link.getFileName() + ".link.tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createSymbolicLink(tmp, link.getParent().relativize(blob));
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
    }
    moveAtomically(tmp, link);
    return link;
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
