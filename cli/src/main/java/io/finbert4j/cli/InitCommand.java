package io.finbert4j.cli;

import io.finbert4j.core.train.ModelDirectory;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.BertWeightNames;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code finbert init}: puts a freshly initialised sequence-classification head on a BERT encoder directory, as
 * {@code BertForSequenceClassification.from_pretrained(encoder, num_labels=...)} does: the classifier (and the
 * pooler if the encoder has none) drawn from N(0, initializer_range²) with zero biases (HF's
 * {@code _init_weights}), an existing pooler kept, an existing classifier replaced.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Add a freshly initialised classification head (pooler if absent, classifier) to a BERT encoder.",
    footer = {
      "",
      "Examples:",
      "  finbert init --from minilm/ --labels negative,neutral,positive --out minilm-3cls/",
      "  finbert init --from bert-base-uncased/ --labels positive,negative,neutral --seed 7 --out finbert-init/"
    })
public final class InitCommand implements Callable<Integer> {
  static final String POOLER_W = "bert.pooler.dense.weight";
  static final String POOLER_B = "bert.pooler.dense.bias";
  static final String CLASSIFIER_W = "classifier.weight";
  static final String CLASSIFIER_B = "classifier.bias";

  @Mixin VerboseOption verbose;
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "DIR", description = "Model directory with a BERT encoder.")
  Path from;

  @Option(names = "--labels", required = true, split = ",", paramLabel = "L1,L2,...",
      description = "Class names in id order (id2label).")
  List<String> labels;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory.")
  Path out;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the head's random initialisation (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    List<String> names = labels.stream().map(String::trim).toList();
    if (names.size() < 2 || names.stream().anyMatch(String::isEmpty) || new HashSet<>(names).size() != names.size()) {
      throw new CliErrors.UserException(
          "--labels needs at least two distinct non-empty names, got " + String.join(",", labels));
    }
    PrintWriter o = spec.commandLine().getOut();
    try (BertCheckpoint ckpt = BertCheckpoint.open(from)) {
      BertConfig cfg = ckpt.config().withLabels(names);
      int h = cfg.hiddenSize();
      Random rnd = new Random(seed);
      List<Tensor> tensors = new ArrayList<>();
      TensorSource src = ckpt.tensors();
      for (String n : src.names()) {
        if (n.startsWith(BertWeightNames.CLASSIFIER_PREFIX)) {
          continue; // replaced below
        }
        Tensor t = src.get(n);
        tensors.add(Tensor.ofFloats(n, t.shape(), t.toFloatArray()));
      }
      double std = cfg.initializerRange();
      if (!ckpt.hasPooler()) {
        tensors.add(Tensor.ofFloats(POOLER_W, new long[] {h, h}, normal(rnd, h * h, std)));
        tensors.add(Tensor.ofFloats(POOLER_B, new long[] {h}, new float[h]));
      }
      tensors.add(Tensor.ofFloats(CLASSIFIER_W, new long[] {names.size(), h}, normal(rnd, names.size() * h, std)));
      tensors.add(Tensor.ofFloats(CLASSIFIER_B, new long[] {names.size()}, new float[names.size()]));
      Path tmp = ModelDirectory.tempBeside(out);
      try {
        ModelDirectory.writeConfig(cfg, tmp.resolve(ModelDirectory.CONFIG));
        Safetensors.write(tmp.resolve(ModelDirectory.WEIGHTS), tensors, Map.of("format", "pt"));
        ModelDirectory.copyTokenizerFiles(from, tmp);
        ModelDirectory.publish(tmp, out, false);
      } catch (Exception e) {
        ModelDirectory.deleteTree(tmp);
        throw e;
      }
      o.printf("initialised %s head (%s pooler, classifier %s, labels %s, seed %d) -> %s%n",
          cfg.numHiddenLayers() + "-layer", ckpt.hasPooler() ? "kept" : "new",
          Arrays.toString(new long[] {names.size(), h}), String.join(",", names), seed, out);
    }
    return 0;
  }

  /** n samples of N(0, std²), as torch's normal_ (values differ from torch's RNG; the distribution is the same). */
  static float[] normal(Random rnd, int n, double std) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextGaussian() * std);
    }
    return a;
  }
}
