package io.finbert4j.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes complete Hugging Face model directories that {@code transformers} loads as
 * {@code BertForSequenceClassification}: {@code config.json} (with architectures, model_type, id2label/label2id),
 * {@code model.safetensors} (HF names), and the tokenizer files of the source directory. Every write is atomic at
 * the directory level: the files go to a temporary directory beside the target ({@code .NAME.tmp-PID-...}), are
 * forced to disk, and then replace the target by renames (old target renamed away to {@code .NAME.old-PID-...},
 * new one renamed into place, old one deleted).
 *
 * <p>Crash safety (tested by killing the CLI with SIGKILL at random points: {@code KillAtRandomTest}): at every
 * instant the target is the old complete directory, the new complete one, or — only between the two renames —
 * absent with the old one complete under its {@code .old-} name. The next write to the same target
 * ({@link #tempBeside}) first {@linkplain #recover recovers}: it renames an orphaned old directory back when the target
 * is missing and deletes temporaries and old copies left by processes that no longer run.
 */
public final class ModelDirectory {
  public static final String CONFIG = "config.json";
  public static final String WEIGHTS = "model.safetensors";
  public static final String ARCHITECTURE = "BertForSequenceClassification";
  /** Tokenizer files copied from the source model when present (vocab.txt or tokenizer.json is required). */
  public static final List<String> TOKENIZER_FILES =
      List.of("vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json");

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelDirectory() {}

  /** Something that writes extra files into the not-yet-published directory (optimizer state, trainer state). */
  @FunctionalInterface
  public interface Extra {
    void writeInto(Path dir) throws IOException;
  }

  /**
   * Saves a model: config (as a sequence classifier), the weights of {@code params}, the tokenizer files of
   * {@code tokenizerSource}, and whatever {@code extra} writes, atomically replacing {@code target}.
   *
   * @param keepSubdirectories move sub-directories of an existing target (checkpoints) into the new one
   */
  public static void save(
      ParameterRegistry params, BertConfig config, Path tokenizerSource, Path target, boolean keepSubdirectories,
      Extra extra)
      throws IOException {
    Path tmp = tempBeside(target);
    try {
      writeConfig(config, tmp.resolve(CONFIG));
      params.saveSafetensors(tmp.resolve(WEIGHTS));
      copyTokenizerFiles(tokenizerSource, tmp);
      if (extra != null) {
        extra.writeInto(tmp);
      }
      publish(tmp, target, keepSubdirectories);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Copies the regular files of {@code source} (a saved model), except those named in {@code exclude}, into a fresh
   * directory replacing {@code target}.
   */
  public static void copyModel(Path source, Path target, boolean keepSubdirectories, String... exclude)
      throws IOException {
    java.util.Set<String> skip = java.util.Set.of(exclude);
    Path tmp = tempBeside(target);
    try {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(source)) {
        for (Path f : ds) {
          if (Files.isRegularFile(f) && !skip.contains(f.getFileName().toString())) {
            Files.copy(f, tmp.resolve(f.getFileName().toString()));
          }
        }
      }
      publish(tmp, target, keepSubdirectories);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Writes {@code config.json} for a sequence classifier: the config's JSON plus {@code "architectures":
   * ["BertForSequenceClassification"]} and {@code "model_type": "bert"}.
   */
  public static void writeConfig(BertConfig config, Path file) throws IOException {
    ObjectNode o = (ObjectNode) JSON.readTree(config.toJson());
    o.putArray("architectures").add(ARCHITECTURE);
    o.put("model_type", "bert");
    Files.writeString(file, JSON.writeValueAsString(o) + "\n", StandardCharsets.UTF_8);
  }

  /** Copies the tokenizer files present in {@code source} into {@code dir}. */
  public static void copyTokenizerFiles(Path source, Path dir) throws IOException {
    boolean vocab = false;
    for (String name : TOKENIZER_FILES) {
      Path f = source.resolve(name);
      if (Files.isRegularFile(f)) {
        Files.copy(f, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        vocab |= name.equals("vocab.txt") || name.equals("tokenizer.json");
      }
    }
    if (!vocab) {
      throw new NoSuchFileException(
          source.resolve("vocab.txt").toString(), null, "the source model has neither vocab.txt nor tokenizer.json");
    }
  }

  /** A new empty directory beside {@code target} (same file system, so renames are cheap and atomic). */
  public static Path tempBeside(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    recover(abs);
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + TMP + PID + "-");
    // createTempDirectory makes it owner-only; a published model directory should be as readable as any other.
    if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return tmp;
  }

  /**
   * Replaces {@code target} with the complete directory {@code tmp}: if the target exists, it is renamed away first
   * (after moving its sub-directories into {@code tmp} when asked), then {@code tmp} is renamed to the target and
   * the old directory deleted.
   */
  public static void publish(Path tmp, Path target, boolean keepSubdirectories) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    syncTree(tmp);
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException("cannot write " + target + ": it exists and is not a directory");
    }
    if (!Files.exists(abs)) {
      move(tmp, abs);
      return;
    }
    if (keepSubdirectories) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(abs)) {
        for (Path d : ds) {
          Path dest = tmp.resolve(d.getFileName().toString());
          if (Files.isDirectory(d) && !d.getFileName().toString().startsWith(".") && !Files.exists(dest)) {
            move(d, dest);
          }
        }
      }
    }
    Path old = abs.resolveSibling("." + abs.getFileName() + OLD + PID + "-" + System.nanoTime());
    move(abs, old);
    try {
      move(tmp, abs);
    } catch (IOException | RuntimeException e) {
      move(old, abs); // put the previous version back rather than leave no output
      throw e;
    }
    syncDir(abs.getParent());
    deleteTree(old);
  }

  private static final String TMP = ".tmp-";
  private static final String OLD = ".old-";
  private static final long PID = ProcessHandle.current().pid();

  /**
   * Puts right what a crashed write to {@code target} left beside it: when the target is missing but a complete
   * earlier version waits under {@code .NAME.old-PID-N} (a crash between publish's two renames), the newest such is
   * renamed back; temporaries ({@code .NAME.tmp-PID-...}) and old copies of processes that no longer run are
   * deleted. Writers of other live processes are left alone. Returns whether an old version was restored.
   */
  public static boolean recover(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return false;
    }
    String tmpPrefix = "." + abs.getFileName() + TMP;
    String oldPrefix = "." + abs.getFileName() + OLD;
    List<Path> olds = new java.util.ArrayList<>();
    List<Path> deadTmps = new java.util.ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.startsWith(oldPrefix) && !alive(n.substring(oldPrefix.length()))) {
          olds.add(p);
        } else if (n.startsWith(tmpPrefix) && !alive(n.substring(tmpPrefix.length()))) {
          deadTmps.add(p);
        }
      }
    }
    boolean restored = false;
    olds.sort(Comparator.comparingLong(ModelDirectory::oldStamp).reversed());
    if (!Files.exists(abs) && !olds.isEmpty()) {
      move(olds.remove(0), abs);
      syncDir(parent);
      restored = true;
    }
    for (Path p : olds) {
      deleteTree(p);
    }
    for (Path p : deadTmps) {
      deleteTree(p);
    }
    return restored;
  }

  /** Whether the process id that starts {@code suffix} ("PID-...") still runs; unparsable names count as alive. */
  private static boolean alive(String suffix) {
    int dash = suffix.indexOf('-');
    try {
      long pid = Long.parseLong(dash < 0 ? suffix : suffix.substring(0, dash));
      // this process's own temporaries belong to writes in progress on other threads
      return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static long oldStamp(Path p) {
    String n = p.getFileName().toString();
    try {
      return Long.parseLong(n.substring(n.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  /** Forces every regular file under {@code dir}, then the folders, to disk (power loss after the rename). */
  static void syncTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
          }
        } else if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          syncDir(p);
        }
      }
    }
  }

  private static void syncDir(Path dir) {
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // folders cannot be synced everywhere (Windows); the renames stay atomic
    }
  }

  /**
   * Copies {@code from} to {@code to} through a temporary sibling and an atomic rename, so {@code to} is never a
   * partial copy (unlike {@link Files#copy} with REPLACE_EXISTING, which deletes {@code to} first).
   */
  public static void copyAtomically(Path from, Path to) throws IOException {
    try (java.io.InputStream in = Files.newInputStream(from)) {
      writeAtomically(in, to);
    }
  }

  /**
   * Writes everything {@code in} holds to {@code to} the same way: a temporary sibling, forced to disk, then renamed
   * over {@code to}; a failure or a crash leaves {@code to} as it was.
   */
  public static void writeAtomically(java.io.InputStream in, Path to) throws IOException {
    Path abs = to.toAbsolutePath().normalize();
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + TMP + PID + "-", "");
    try {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a directory tree (best effort for a temporary directory; missing is fine). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
