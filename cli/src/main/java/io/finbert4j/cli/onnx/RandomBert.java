package io.finbert4j.cli.onnx;

import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.BertWeightNames;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a randomly initialised HF BERT directory (config.json + model.safetensors, tokenizer files copied from a
 * given directory) without needing the core model: benchmarks use it to create a FinBERT-size model (BERT-base,
 * 3 labels) and export it to ONNX with {@link OnnxBertExporter}, so ours and ONNX Runtime run the same weights.
 *
 * <p>Initialisation follows HF's {@code BertPreTrainedModel._init_weights}: Linear / embedding weights
 * N(0, initializer_range), LayerNorm weight 1, biases 0; except that biases get N(0, initializer_range) too, so that
 * a bias that is dropped or misplaced shows up in parity checks.
 */
public final class RandomBert {
  private RandomBert() {}

  /** BERT-base with FinBERT's head: 12 layers, hidden 768, 12 heads, intermediate 3072, labels positive/negative/neutral. */
  public static BertConfig finbertBase() {
    return BertConfig.builder().labels(List.of("positive", "negative", "neutral")).build();
  }

  /**
   * Writes {@code cfg} and random weights to {@code dir} (created if needed).
   *
   * @param tokenizerDir directory whose vocab.txt / tokenizer_config.json / special_tokens_map.json are copied
   *     (those that exist), or null for none
   */
  public static void write(Path dir, BertConfig cfg, long seed, Path tokenizerDir) throws IOException {
    Files.createDirectories(dir);
    boolean classifier = cfg.numLabels() > 0;
    Random rnd = new Random(seed);
    float std = (float) cfg.initializerRange();
    List<Tensor> tensors = new ArrayList<>();
    for (Map.Entry<String, long[]> e : BertWeightNames.expectedShapes(cfg, true, classifier).entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue();
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      float[] data = new float[Math.toIntExact(n)];
      if (name.contains("LayerNorm") && name.endsWith(".weight")) {
        java.util.Arrays.fill(data, 1f);
      } else if (!(name.contains("LayerNorm") && name.endsWith(".bias"))) {
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) rnd.nextGaussian() * std;
        }
      }
      tensors.add(Tensor.ofFloats(name, shape, data));
    }
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
    cfg.save(dir.resolve("config.json"));
    if (tokenizerDir != null) {
      for (String f : List.of("vocab.txt", "tokenizer_config.json", "special_tokens_map.json")) {
        Path src = tokenizerDir.resolve(f);
        if (Files.isRegularFile(src)) {
          Files.copy(src, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * {@code RandomBert <outDir> [seed] [tokenizerDir]}: writes random FinBERT-size (BERT-base, 3 labels) weights and
   * exports them to {@code <outDir>/model.onnx}.
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: RandomBert <outDir> [seed] [tokenizerDir]");
    }
    Path dir = Path.of(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42L;
    Path tok = args.length > 2 ? Path.of(args[2]) : null;
    write(dir, finbertBase(), seed, tok);
    OnnxBertExporter.export(dir, dir.resolve("model.onnx"));
    System.out.println("wrote " + dir.resolve("model.safetensors") + " and " + dir.resolve("model.onnx"));
  }
}
