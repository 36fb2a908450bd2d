package io.finbert4j.weights.hub;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code --model} value into a local model directory (config.json, vocab.txt, tokenizer files and weights).
 *
 * <p>Order of resolution:
 *
 * <ol>
 *   <li>{@code modelOrId} is an existing directory: used as is.
 *   <li>{@code modelOrId} is null or blank: {@code $FINBERT_MODEL} (itself a directory or a hub id), else
 *       {@value #DEFAULT_MODEL_ID}.
 *   <li>A hub id ({@code org/name}) found complete in the local Hugging Face cache (see {@link HfCache}:
 *       {@code refs/{revision}} names the commit, {@code snapshots/{commit}/} holds the files): that snapshot folder,
 *       without any network access. A user who ran the Python pipeline once needs no download.
 *   <li>Otherwise a download from {@code $HF_ENDPOINT} (default {@value HubClient#DEFAULT_ENDPOINT}) into that same
 *       cache layout (with {@code Authorization: Bearer $HF_TOKEN} if set), unless {@code HF_HUB_OFFLINE} is set.
 * </ol>
 *
 * <p>Files fetched: {@code config.json}, {@code vocab.txt} (required); {@code tokenizer_config.json},
 * {@code special_tokens_map.json} (optional: a 404 is recorded in {@code .no_exist/} and accepted); the weights
 * {@code model.safetensors}, or {@code pytorch_model.bin} if the former is 404 (as for {@code ProsusAI/finbert}).
 * A cached snapshot is used as is; pass a {@code revision} (or delete the cache folder) to fetch a newer one.
 */
public final class ModelResolver {
  public static final String DEFAULT_MODEL_ID = "ProsusAI/finbert";
  public static final String DEFAULT_REVISION = "main";
  public static final String CONFIG = "config.json";
  public static final String VOCAB = "vocab.txt";
  public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  public static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
  /** Weights in order of preference. */
  public static final List<String> WEIGHT_FILES = List.of("model.safetensors", "pytorch_model.bin");

  private static final List<String> REQUIRED = List.of(CONFIG, VOCAB);
  private static final List<String> OPTIONAL = List.of(TOKENIZER_CONFIG, SPECIAL_TOKENS_MAP);
  /** {@code org/name} or a bare {@code name}, as the hub allows (letters, digits, '-', '_', '.'). */
  private static final Pattern HUB_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$");
  private static final Set<String> TRUTHY = Set.of("1", "true", "yes", "on");

  private static final java.util.concurrent.ConcurrentHashMap<Path, Object> JVM_LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ModelResolver() {}

  /** {@link #resolve(String, String, Map, ProgressListener)} with the process environment and a terminal bar. */
  public static Path resolve(String modelOrId) throws IOException {
    return resolve(modelOrId, null, System.getenv(), ProgressListener.stderrIfTerminal());
  }

  /**
   * Resolves a model directory (see the class comment for the order).
   *
   * @param modelOrId a directory, a hub id such as {@code ProsusAI/finbert}, or null for the default
   * @param revision branch, tag or commit hash for hub ids; null means {@value #DEFAULT_REVISION}
   * @param env environment variables to use (injectable for tests): FINBERT_MODEL, HF_HUB_CACHE, HF_HOME,
   *     HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE, ...
   * @param progress download progress (e.g. {@link ProgressListener#stderrIfTerminal()})
   * @return a local directory holding the model files
   * @throws ModelResolutionException if the model is neither local nor downloadable, with what was looked for where
   * @throws HubHttpException for hub errors (401/403 with a hint about HF_TOKEN, 404 naming the file)
   */
  public static Path resolve(String modelOrId, String revision, Map<String, String> env, ProgressListener progress)
      throws IOException {
    String spec = HfCache.nonBlank(modelOrId);
    String source = "--model";
    if (spec == null) {
      spec = HfCache.nonBlank(env.get("FINBERT_MODEL"));
      source = "FINBERT_MODEL";
      if (spec == null) {
        spec = DEFAULT_MODEL_ID;
        source = "the default model";
      }
    }
    Path asPath = tryPath(spec);
    if (asPath != null && Files.isDirectory(asPath)) {
      return asPath;
    }
    if (!HUB_ID.matcher(spec).matches() || spec.contains("..")) {
      throw new ModelResolutionException(
          "model '" + spec + "' (from " + source + ") is not an existing directory and not a Hugging Face hub id "
              + "like " + DEFAULT_MODEL_ID + "; pass --model DIR with a directory holding config.json, vocab.txt "
              + "and model.safetensors or pytorch_model.bin");
    }
    String rev = revision == null || revision.isBlank() ? DEFAULT_REVISION : revision.trim();
    try {
      HfCache.checkRevision(rev);
    } catch (IllegalArgumentException e) {
      throw new ModelResolutionException("--revision: " + e.getMessage());
    }
    return resolveHubId(spec, rev, env, progress == null ? ProgressListener.NONE : progress);
  }

  private static Path tryPath(String s) {
    try {
      return Path.of(s);
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** Environment variable that allows a plain-HTTP hub endpoint (or redirect) other than loopback. */
  public static final String ALLOW_HTTP = "FINBERT_ALLOW_HTTP";

  private static boolean isTrue(String v) {
    return v != null && TRUTHY.contains(v.trim().toLowerCase(Locale.ROOT));
  }

  /** Whether {@code HF_HUB_OFFLINE} (or the older {@code TRANSFORMERS_OFFLINE}) is set to a true value. */
  public static boolean isOffline(Map<String, String> env) {
    for (String k : List.of("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")) {
      String v = env.get(k);
      if (v != null && TRUTHY.contains(v.trim().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** {@code $HF_TOKEN}, else {@code $HUGGING_FACE_HUB_TOKEN}, else the token file of {@code huggingface-cli login}. */
  static String token(Map<String, String> env) throws IOException {
    String t = HfCache.nonBlank(env.get("HF_TOKEN"));
    if (t == null) {
      t = HfCache.nonBlank(env.get("HUGGING_FACE_HUB_TOKEN"));
    }
    if (t == null) {
      String p = HfCache.nonBlank(env.get("HF_TOKEN_PATH"));
      Path file = p != null ? Path.of(p) : HfCache.hfHome(env).resolve("token");
      if (Files.isRegularFile(file)) {
        t = HfCache.nonBlank(Files.readString(file, StandardCharsets.UTF_8));
      }
    }
    return t;
  }

  private static Path resolveHubId(String repoId, String revision, Map<String, String> env, ProgressListener progress)
      throws IOException {
    HfCache cache = HfCache.fromEnv(env);
    Optional<String> cachedCommit = cache.commitFor(repoId, revision);
    List<String> missing = List.of("refs/" + revision);
    if (cachedCommit.isPresent()) {
      String commit = cachedCommit.get();
      missing = missingRequired(cache, repoId, commit);
      if (missing.isEmpty() && (isOffline(env) || optionalSettled(cache, repoId, commit))) {
        return cache.snapshotDir(repoId, commit);
      }
    }
    if (isOffline(env)) {
      throw new ModelResolutionException(
          notCachedMessage(cache, repoId, revision, cachedCommit, missing)
              + " and downloads are disabled (HF_HUB_OFFLINE is set). Download it once with network access (unset "
              + "HF_HUB_OFFLINE), or pass --model DIR with a local model directory (config.json, vocab.txt and "
              + "model.safetensors or pytorch_model.bin).");
    }
    String endpoint = HfCache.nonBlank(env.get("HF_ENDPOINT"));
    HubClient client;
    try {
      client = new HubClient(endpoint == null ? HubClient.DEFAULT_ENDPOINT : endpoint, token(env),
          HubClient.DEFAULT_STALL_TIMEOUT, isTrue(env.get(ALLOW_HTTP)));
    } catch (IllegalArgumentException e) {
      throw new ModelResolutionException("HF_ENDPOINT: " + e.getMessage());
    }
    try {
      return download(client, cache, repoId, revision, progress);
    } catch (ConnectException | UnknownHostException | HttpConnectTimeoutException e) {
      if (cachedCommit.isPresent() && missing.isEmpty()) {
        // only optional files were unsettled: the cached snapshot is usable without them
        return cache.snapshotDir(repoId, cachedCommit.get());
      }
      throw new ModelResolutionException(
          notCachedMessage(cache, repoId, revision, cachedCommit, missing) + " and the hub at " + client.endpoint()
              + " cannot be reached (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
              + "). Connect to the network (or set HF_ENDPOINT to a mirror), or pass --model DIR with a local model "
              + "directory (config.json, vocab.txt and model.safetensors or pytorch_model.bin).", e);
    } catch (HttpTimeoutException e) {
      throw new ModelResolutionException(
          "the hub at " + client.endpoint() + " did not answer in time while fetching " + repoId + " (" + e.getMessage()
              + "); retry, or pass --model DIR with a local model directory", e);
    }
  }

  private static String notCachedMessage(
      HfCache cache, String repoId, String revision, Optional<String> commit, List<String> missing) {
    Path where = commit.isPresent() ? cache.snapshotDir(repoId, commit.get()) : cache.repoDir(repoId);
    return "model " + repoId + " (revision " + revision + ") is not in the Hugging Face cache: looked in " + where
        + " (cache root " + cache.root() + ", from HF_HUB_CACHE / HF_HOME) for " + CONFIG + ", " + VOCAB + " and "
        + String.join(" or ", WEIGHT_FILES) + "; missing: " + String.join(", ", missing);
  }

  /** Required files absent from a cached snapshot (weights: any one of {@link #WEIGHT_FILES}). */
  private static List<String> missingRequired(HfCache cache, String repoId, String commit) {
    List<String> missing = new ArrayList<>();
    for (String f : REQUIRED) {
      if (cache.snapshotFile(repoId, commit, f).isEmpty()) {
        missing.add(f);
      }
    }
    boolean weights = WEIGHT_FILES.stream().anyMatch(f -> cache.snapshotFile(repoId, commit, f).isPresent());
    if (!weights) {
      missing.add(String.join(" or ", WEIGHT_FILES));
    }
    return missing;
  }

  /** Each optional file is either cached or known to be absent (so no request would change anything). */
  private static boolean optionalSettled(HfCache cache, String repoId, String commit) {
    for (String f : OPTIONAL) {
      if (cache.snapshotFile(repoId, commit, f).isEmpty() && !cache.knownMissing(repoId, commit, f)) {
        return false;
      }
    }
    return true;
  }

  private static Path download(HubClient client, HfCache cache, String repoId, String revision, ProgressListener progress)
      throws IOException {
    // The first HEAD pins the commit, so every file comes from the same snapshot even if the branch moves.
    HubClient.FileMetadata config = client.head(repoId, revision, CONFIG);
    String pinned = config.commit();
    if (pinned == null) {
      if (!HfCache.isCommitHash(revision)) {
        throw new IOException(
            "the hub at " + client.endpoint() + " did not send X-Repo-Commit for " + repoId + "/" + CONFIG
                + "; it does not look like a Hugging Face hub (check HF_ENDPOINT)");
      }
      pinned = revision;
    }
    if (!HfCache.isCommitHash(pinned)) {
      // the commit becomes a folder name: a hostile X-Repo-Commit such as "../../x" must not pick where we write
      throw new IOException("the hub at " + client.endpoint() + " sent X-Repo-Commit '" + pinned + "' for " + repoId
          + ", which is not a 40-hex-digit commit hash; refusing it (check HF_ENDPOINT)");
    }
    final String commit = pinned;
    fetch(client, cache, repoId, commit, CONFIG, config, progress);
    fetch(client, cache, repoId, commit, VOCAB, null, progress);
    for (String f : OPTIONAL) {
      if (cache.snapshotFile(repoId, commit, f).isPresent() || cache.knownMissing(repoId, commit, f)) {
        continue;
      }
      try {
        fetch(client, cache, repoId, commit, f, null, progress);
      } catch (HubHttpException e) {
        if (!e.isNotFound()) {
          throw e;
        }
        cache.markMissing(repoId, commit, f);
      }
    }
    boolean haveWeights = WEIGHT_FILES.stream().anyMatch(f -> cache.snapshotFile(repoId, commit, f).isPresent());
    List<String> tried = new ArrayList<>();
    for (String f : WEIGHT_FILES) {
      if (haveWeights || cache.knownMissing(repoId, commit, f)) {
        continue;
      }
      try {
        fetch(client, cache, repoId, commit, f, null, progress);
        haveWeights = true;
      } catch (HubHttpException e) {
        if (!e.isNotFound()) {
          throw e;
        }
        cache.markMissing(repoId, commit, f);
        tried.add(f);
      }
    }
    if (!haveWeights) {
      throw new ModelResolutionException(
          "the hub repository " + repoId + " (commit " + commit + ") has none of the weight files "
              + String.join(", ", WEIGHT_FILES) + " (tried " + tried + "); sharded checkpoints are not downloaded "
              + "automatically: download them yourself and pass --model DIR");
    }
    // refs last: a ref only ever points at a snapshot that holds everything required
    cache.writeRef(repoId, revision, commit);
    return cache.snapshotDir(repoId, commit);
  }

  /** Fetches one file of a commit into blobs/ and links it from the snapshot (skipped if already there). */
  private static void fetch(HubClient client, HfCache cache, String repoId, String commit, String file,
      HubClient.FileMetadata known, ProgressListener progress) throws IOException {
    if (cache.snapshotFile(repoId, commit, file).isPresent()) {
      return;
    }
    HubClient.FileMetadata md = known != null ? known : client.head(repoId, commit, file);
    Path blobDir = cache.repoDir(repoId).resolve("blobs");
    Files.createDirectories(blobDir);
    if (HfCache.isSafeBlobName(md.etag())) {
      Path blob = cache.blobPath(repoId, md.etag());
      // Same lock file as huggingface_hub ({cache}/.locks/{repo folder}/{etag}.lock): one writer per blob, also
      // across processes and with Python.
      Path lockFile = cache.root().resolve(".locks").resolve(cache.repoDir(repoId).getFileName()).resolve(md.etag() + ".lock");
      Files.createDirectories(lockFile.getParent());
      // A FileLock excludes other processes only; threads of this JVM queue on a lock object per lock file first
      // (a second FileLock on the same file from this JVM would throw OverlappingFileLockException).
      Object jvmLock = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Object());
      synchronized (jvmLock) {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          if (!Files.isRegularFile(blob) || (md.size() >= 0 && Files.size(blob) != md.size())) {
            Path incomplete = blob.resolveSibling(blob.getFileName() + ".incomplete");
            client.download(md, incomplete, progress);
            HfCache.moveAtomically(incomplete, blob);
          }
        }
      }
      cache.linkSnapshot(repoId, commit, file, blob);
    } else {
      // No usable ETag (not a real hub?): name the blob by the content's sha256 once downloaded.
      // (a name of this process's own: no lock guards this branch, and a transfer cannot resume without an ETag)
      Path tmp = HfCache.uniqueSibling(blobDir.resolve(file.replace('/', '_') + "." + commit), ".incomplete");
      try {
        client.download(md, tmp, progress);
        Path blob = cache.blobPath(repoId, HubClient.sha256(tmp));
        HfCache.moveAtomically(tmp, blob);
        cache.linkSnapshot(repoId, commit, file, blob);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
