package io.finbert4j.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face BERT model directory, opened and strictly checked: {@code config.json} plus the weights from
 * {@code model.safetensors}, else {@code model.safetensors.index.json} (sharded), else {@code pytorch_model.bin}
 * (zip or legacy PyTorch format). {@link #tensors()} exposes the weights under canonical HF names
 * ({@link BertWeightNames}), and only after every expected key was found with the exact shape and a floating-point
 * dtype, and no unexpected key remains; all problems are reported together in one exception.
 */
public final class BertCheckpoint implements AutoCloseable {
  public static final String CONFIG_JSON = "config.json";
  public static final String SAFETENSORS = "model.safetensors";
  public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
  public static final String PYTORCH_BIN = "pytorch_model.bin";

  private final Path directory;
  private final Path weightsFile;
  private final BertConfig config;
  private final TensorSource tensors;
  private final boolean pooler;
  private final boolean classifier;

  private BertCheckpoint(
      Path directory, Path weightsFile, BertConfig config, TensorSource tensors, boolean pooler, boolean classifier) {
    this.directory = directory;
    this.weightsFile = weightsFile;
    this.config = config;
    this.tensors = tensors;
    this.pooler = pooler;
    this.classifier = classifier;
  }

  /**
   * Opens and checks a model directory.
   *
   * @throws NoSuchFileException if config.json or every weights file is missing (the message lists what was tried)
   * @throws TensorFormatException if a weights file is corrupt or does not match the config (all mismatches listed)
   * @throws IllegalArgumentException if config.json is invalid
   */
  public static BertCheckpoint open(Path modelDir) throws IOException {
    if (!Files.isDirectory(modelDir)) {
      throw new NoSuchFileException(modelDir.toString(), null, "not a model directory");
    }
    Path cfgFile = modelDir.resolve(CONFIG_JSON);
    if (!Files.isRegularFile(cfgFile)) {
      throw new NoSuchFileException(cfgFile.toString(), null, "model directory has no " + CONFIG_JSON);
    }
    return open(modelDir, findWeights(modelDir));
  }

  /**
   * Opens a model directory's {@code config.json} with an explicitly chosen weights file (any of the formats
   * {@link #openWeights} reads, e.g. {@code pytorch_model.bin} when a {@code model.safetensors} also exists).
   */
  public static BertCheckpoint open(Path modelDir, Path weights) throws IOException {
    Path cfgFile = modelDir.resolve(CONFIG_JSON);
    if (!Files.isRegularFile(cfgFile)) {
      throw new NoSuchFileException(cfgFile.toString(), null, "model directory has no " + CONFIG_JSON);
    }
    if (!Files.isRegularFile(weights)) {
      throw new NoSuchFileException(weights.toString(), null, "weights file not found");
    }
    BertConfig config = BertConfig.load(cfgFile);
    TensorSource raw = openWeights(weights);
    try {
      return check(modelDir, weights, config, raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** The weights file that {@link #open} would read: the first of safetensors, index, .bin that exists. */
  public static Path findWeights(Path modelDir) throws NoSuchFileException {
    for (String n : List.of(SAFETENSORS, SAFETENSORS_INDEX, PYTORCH_BIN)) {
      Path p = modelDir.resolve(n);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new NoSuchFileException(
        modelDir.toString(), null,
        "no weights: expected " + SAFETENSORS + ", " + SAFETENSORS_INDEX + " or " + PYTORCH_BIN);
  }

  /** Opens a weights file by its name: {@code *.index.json} sharded, {@code *.safetensors}, else PyTorch. */
  public static TensorSource openWeights(Path weights) throws IOException {
    String n = weights.getFileName().toString();
    if (n.endsWith(".index.json")) {
      return Safetensors.openIndex(weights);
    }
    if (n.endsWith(".safetensors")) {
      return Safetensors.open(weights);
    }
    return PyTorchCheckpoint.read(weights);
  }

  /**
   * Normalises the names of {@code raw} and checks them against {@code config}; on success the returned checkpoint
   * owns {@code raw}.
   */
  static BertCheckpoint check(Path dir, Path weights, BertConfig config, TensorSource raw)
      throws TensorFormatException {
    LinkedHashMap<String, String> canonToRaw = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String r : raw.names()) {
      String c = BertWeightNames.canonical(r);
      if (BertWeightNames.isIgnored(c)) {
        continue;
      }
      String prev = canonToRaw.putIfAbsent(c, r);
      if (prev != null) {
        problems.add("both \"" + prev + "\" and \"" + r + "\" normalise to " + c);
      }
    }
    boolean pooler = canonToRaw.keySet().stream().anyMatch(k -> k.startsWith(BertWeightNames.POOLER_PREFIX));
    boolean classifier =
        canonToRaw.keySet().stream().anyMatch(k -> k.startsWith(BertWeightNames.CLASSIFIER_PREFIX));
    if (classifier && config.numLabels() == 0) {
      problems.add("the weights have a classifier but config.json declares no labels (id2label / num_labels)");
    }
    LinkedHashMap<String, long[]> expected = BertWeightNames.expectedShapes(config, pooler, classifier);
    List<String> missing = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, long[]> e : expected.entrySet()) {
      String r = canonToRaw.get(e.getKey());
      if (r == null) {
        missing.add(e.getKey());
        continue;
      }
      Tensor t = raw.get(r);
      if (!Arrays.equals(t.shape(), e.getValue())) {
        wrong.add(e.getKey() + " " + Arrays.toString(t.shape()) + " (expected " + Arrays.toString(e.getValue()) + ")");
      } else if (!t.dtype().isFloatingPoint()) {
        wrong.add(e.getKey() + " has dtype " + t.dtype() + " (expected a floating-point type)");
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (Map.Entry<String, String> e : canonToRaw.entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        unexpected.add(e.getValue().equals(e.getKey()) ? e.getKey() : e.getValue() + " (= " + e.getKey() + ")");
      }
    }
    if (!missing.isEmpty()) {
      problems.add(missing.size() + " missing: " + String.join(", ", missing));
    }
    if (!unexpected.isEmpty()) {
      problems.add(unexpected.size() + " unexpected: " + String.join(", ", unexpected));
    }
    if (!wrong.isEmpty()) {
      problems.add(wrong.size() + " wrongly shaped: " + String.join(", ", wrong));
    }
    if (!problems.isEmpty()) {
      throw new TensorFormatException(
          weights + " does not match " + dir.resolve(CONFIG_JSON) + " (" + config + "): "
              + String.join("; ", problems));
    }
    LinkedHashMap<String, String> ordered = new LinkedHashMap<>();
    for (String k : expected.keySet()) {
      ordered.put(k, canonToRaw.get(k));
    }
    return new BertCheckpoint(dir, weights, config, new CanonicalSource(weights, raw, ordered), pooler, classifier);
  }

  /** The checked config. */
  public BertConfig config() {
    return config;
  }

  /** The weights under canonical HF names, in HF order; every expected tensor is present with the right shape. */
  public TensorSource tensors() {
    return tensors;
  }

  /** Whether the checkpoint has {@code bert.pooler.dense}. */
  public boolean hasPooler() {
    return pooler;
  }

  /** Whether the checkpoint has the {@code classifier} head. */
  public boolean hasClassifier() {
    return classifier;
  }

  /** The model directory. */
  public Path directory() {
    return directory;
  }

  /** The weights file that was read ({@code model.safetensors}, the index, or {@code pytorch_model.bin}). */
  public Path weightsFile() {
    return weightsFile;
  }

  @Override
  public void close() {
    tensors.close();
  }

  /** A renaming view: canonical name → raw name of the underlying source. */
  private static final class CanonicalSource implements TensorSource {
    private final Path file;
    private final TensorSource raw;
    private final LinkedHashMap<String, String> canonToRaw;
    private final List<String> names;

    CanonicalSource(Path file, TensorSource raw, LinkedHashMap<String, String> canonToRaw) {
      this.file = file;
      this.raw = raw;
      this.canonToRaw = canonToRaw;
      this.names = List.copyOf(canonToRaw.keySet());
    }

    @Override
    public List<String> names() {
      return names;
    }

    @Override
    public boolean contains(String name) {
      return canonToRaw.containsKey(name);
    }

    @Override
    public Tensor get(String name) {
      String r = canonToRaw.get(name);
      if (r == null) {
        throw new IllegalArgumentException("no tensor \"" + name + "\" in " + file);
      }
      Tensor t = raw.get(r);
      return r.equals(name) ? t : t.withName(name);
    }

    @Override
    public Map<String, String> metadata() {
      return raw.metadata();
    }

    @Override
    public void close() {
      raw.close();
    }

    @Override
    public String toString() {
      return "canonical view of " + file;
    }
  }
}
