package io.finbert4j.benchmarks;

import io.finbert4j.cli.BenchCommand;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.core.train.AdamW;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One fine-tuning step (forward + backward + AdamW with clipping) of a MiniLM-shaped classifier (all-MiniLM-L6-v2's
 * config: L 6, H 384, NH 12, I 1536, V 30522; 3 labels) at batch 32 × 48 tokens, and an sgemm peak probe in the same
 * JVM. {@link #main} runs both and reports examples/s, achieved GFLOP/s (3 × the analytic forward FLOPs) and the
 * fraction of the measured sgemm peak.
 *
 * <p>Weights are random ({@link BertForSequenceClassification#random}) unless {@code -p modelDir=DIR} names an HF model directory with a
 * classifier (e.g. {@code finbert init} on an imported MiniLM): the cost of a step does not depend on the values.
 *
 * <pre>
 *   java -cp benchmarks/target/... io.finbert4j.benchmarks.TrainStepBenchmark      (summary)
 *   java -jar benchmarks.jar TrainStepBenchmark                                      (plain JMH)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g", "-Xms2g", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 10)
public class TrainStepBenchmark {
  // all-MiniLM-L6-v2
  static final int VOCAB = 30522;
  static final int HIDDEN = 384;
  static final int LAYERS = 6;
  static final int HEADS = 12;
  static final int INTERMEDIATE = 1536;
  static final int MAX_POSITIONS = 512;
  static final List<String> LABELS = List.of("negative", "neutral", "positive");
  static final long SEED = 1234;
  /** Random token ids start past [PAD], [UNK], [CLS], [SEP], [MASK] and the unused slots. */
  static final int FIRST_WORD_ID = 1000;
  /** BERT-base FFN gemm shape for the peak probe: [B·T = 1536, 768] × [768, 3072]. */
  static final int BASE_M = 1536;
  static final int BASE_K = 768;
  static final int BASE_N = 3072;
  static final double LR = 5e-5;
  static final double MAX_GRAD_NORM = 1.0;

  @Param({"32"})
  public int batch;

  @Param({"48"})
  public int seqLen;

  /** An HF classifier directory to load; empty: random weights of MiniLM's config. */
  @Param({""})
  public String modelDir;

  BertForSequenceClassification model;
  ParameterRegistry params;
  AdamW optimizer;
  int[][] ids;
  int[][] mask;
  int[][] types;
  int[] labels;
  long dropoutSeed;

  // sgemm probes: C[M,N] = A[M,K] · B[K,N]
  INDArray a1;
  INDArray b1;
  INDArray c1;
  INDArray a2;
  INDArray b2;
  INDArray c2;

  @Setup
  public void setup() throws IOException {
    if (modelDir.isEmpty()) {
      model = BertForSequenceClassification.random(CONFIG, DataType.FLOAT, SEED);
    } else {
      model = BertForSequenceClassification.load(Path.of(modelDir));
    }
    params = model.parameters();
    optimizer = new AdamW(params, AdamW.Hyper.defaults());
    Random rnd = new Random(SEED);
    int vocab = model.config().vocabSize();
    ids = new int[batch][seqLen];
    mask = new int[batch][seqLen];
    types = new int[batch][seqLen];
    labels = new int[batch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < seqLen; t++) {
        ids[b][t] = FIRST_WORD_ID + rnd.nextInt(vocab - FIRST_WORD_ID);
        mask[b][t] = 1;
      }
      labels[b] = rnd.nextInt(model.config().numLabels());
    }
    int h = model.config().hiddenSize();
    int inter = model.config().intermediateSize();
    a1 = Nd4j.rand(DataType.FLOAT, (long) batch * seqLen, h);
    b1 = Nd4j.rand(DataType.FLOAT, h, inter);
    c1 = Nd4j.create(DataType.FLOAT, (long) batch * seqLen, inter);
    a2 = Nd4j.rand(DataType.FLOAT, BASE_M, BASE_K);
    b2 = Nd4j.rand(DataType.FLOAT, BASE_K, BASE_N);
    c2 = Nd4j.create(DataType.FLOAT, BASE_M, BASE_N);
  }

  /** forward (training mode, dropout) + backward + AdamW step with global-norm clipping. */
  @Benchmark
  public float trainStep() {
    params.zeroGrad();
    float loss = model.forwardBackward(ids, mask, types, labels, null, true, dropoutSeed++);
    optimizer.step(LR, p -> 1.0, 1.0, MAX_GRAD_NORM);
    return loss;
  }

  /** sgemm at the encoder's FFN shape: [B·T, H] × [H, I]. */
  @Benchmark
  public INDArray sgemmFfnShape() {
    Nd4j.gemm(a1, b1, c1, false, false, 1.0, 0.0);
    return c1;
  }

  /** sgemm at BERT-base FFN shape 1536 × 768 × 3072. */
  @Benchmark
  public INDArray sgemmBertBase() {
    Nd4j.gemm(a2, b2, c2, false, false, 1.0, 0.0);
    return c2;
  }

  /** The random model's config: all-MiniLM-L6-v2's encoder with a 3-label head. */
  static final BertConfig CONFIG = BertConfig.builder().vocabSize(VOCAB).hiddenSize(HIDDEN).numHiddenLayers(LAYERS)
      .numAttentionHeads(HEADS).intermediateSize(INTERMEDIATE).maxPositionEmbeddings(MAX_POSITIONS)
      .typeVocabSize(2).labels(LABELS).build();

  /** FLOPs of one training step (3× the forward's: dX and dW per forward product) at b × t on {@link #CONFIG}. */
  public static double trainStepFlops(int b, int t) {
    return BenchCommand.TRAIN_FLOP_FACTOR * BenchCommand.forwardFlops(CONFIG, b, t, true);
  }

  /**
   * Runs the benchmarks and prints examples/s, GFLOP/s and the fraction of the sgemm peak. JMH command-line
   * options may be given (e.g. {@code -wi 1 -i 3 -r 5s} for a quick run).
   */
  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    Options opt = new OptionsBuilder().parent(new CommandLineOptions(args))
        .include(TrainStepBenchmark.class.getName() + "\\.").build();
    double stepMs = Double.NaN;
    double gemmFfnMs = Double.NaN;
    double gemmBaseMs = Double.NaN;
    int b = 32;
    int t = 48;
    for (RunResult r : new Runner(opt).run()) {
      String label = r.getParams().getBenchmark();
      double ms = r.getPrimaryResult().getScore();
      b = Integer.parseInt(r.getParams().getParam("batch"));
      t = Integer.parseInt(r.getParams().getParam("seqLen"));
      if (label.endsWith("trainStep")) {
        stepMs = ms;
      } else if (label.endsWith("sgemmFfnShape")) {
        gemmFfnMs = ms;
      } else if (label.endsWith("sgemmBertBase")) {
        gemmBaseMs = ms;
      }
    }
    double trainFlops = trainStepFlops(b, t);
    double stepGflops = trainFlops / (stepMs * 1e6);
    double ffnGflops = 2.0 * b * t * HIDDEN * INTERMEDIATE / (gemmFfnMs * 1e6);
    double baseGflops = 2.0 * BASE_M * BASE_K * BASE_N / (gemmBaseMs * 1e6);
    double peak = Math.max(ffnGflops, baseGflops);
    System.out.printf(Locale.ROOT, "%ntrain step (MiniLM, %d x %d): %.1f ms, %.1f examples/s, %.1f GFLOP/s "
        + "(3 x forward = %.2f GFLOP)%n", b, t, stepMs, b / (stepMs / 1e3), stepGflops, trainFlops / 1e9);
    System.out.printf(Locale.ROOT, "sgemm peak: %.1f GFLOP/s at %dx%dx%d, %.1f GFLOP/s at 1536x768x3072%n",
        ffnGflops, b * t, HIDDEN, INTERMEDIATE, baseGflops);
    System.out.printf(Locale.ROOT, "train step achieves %.0f %% of the measured sgemm peak (goal >= 60 %%)%n",
        100 * stepGflops / peak);
  }
}
