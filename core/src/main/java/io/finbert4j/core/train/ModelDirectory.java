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
 * the directory level: the files go to a temporary directory beside the target, which then replaces the target by
 * renames (old target renamed away, new one renamed into place, old one deleted).
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
    Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".tmp-");
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
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IOException("cannot save a model to " + target + ": it exists and is not a directory");
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
    Path old = abs.resolveSibling("." + abs.getFileName() + ".old-" + System.nanoTime());
    move(abs, old);
    move(tmp, abs);
    deleteTree(old);
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
