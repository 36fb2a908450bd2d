package io.finbert4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.core.BlasKernel;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.BertModel;
import io.finbert4j.core.nn.Profiler;
import io.finbert4j.core.quant.Precision;
import io.finbert4j.core.train.AdamW;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Quick user-facing speed check: forward passes over random token ids of exactly T tokens (mask all ones)
 * on a model directory, with the machine's sgemm rate measured in the same run so the figure can be read as a
 * fraction of the peak. The JMH benchmarks in the benchmarks module are the careful version.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure inference speed on random token ids: sequences/s, tokens/s, GFLOP/s and the fraction of",
      "this machine's sgemm peak (measured in the same run at the model's largest product shape).",
      "Works on a plain encoder directory (e.g. imported MiniLM) and on a classifier.",
      "--train times fine-tuning steps instead (forward + backward + AdamW, dropout on; FLOPs counted as 3x the",
      "forward's); --profile then breaks one pass down by operation: where the time goes."
    },
    footer = {
      "%nExamples:",
      "  finbert import-onnx --minilm --out models/minilm && finbert bench --model models/minilm",
      "  finbert bench --model models/finbert --batch-size 1 --length 16 --seconds 5",
      "  finbert bench --model models/finbert --json | tail -1",
      "  finbert bench --model models/minilm --train --profile"
    })
public final class BenchCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
  Path model;

  @Option(names = "--batch-size", defaultValue = "32", description = "Sequences per forward pass (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--length", defaultValue = "48", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
  int length;

  @Option(names = "--seconds", defaultValue = "10", description = "Measurement time (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "3", description = "Untimed warm-up passes (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for the random token ids (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--precision",
      paramLabel = "float32|bf16|int8",
      defaultValue = "float32",
      description = "Precision of the encoder's dense projections (default ${DEFAULT-VALUE}): int8 (oneDNN; fastest "
          + "with VNNI/AMX) or bf16 (CPUs with AVX512-BF16/AMX); where one cannot run, float32 with a notice on stderr.")
  String precision;

  @Option(names = "--json", description = "End with one JSON line of the figures.")
  boolean json;

  @Option(names = "--train", description = "Time training steps (forward + backward + AdamW) instead of inference; "
      + "an encoder directory gets a random 3-label head. Always float32.")
  boolean train;

  @Option(names = "--profile", description = "After the measurement, profile a few more passes and print the time per "
      + "operation (each gemm by role, attention products, softmax, LayerNorm, GELU, ...) with GFLOP/s.")
  boolean profile;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (batchSize < 1 || length < 2 || !(seconds > 0) || warmup < 0) {
      throw new CliErrors.UserException("need --batch-size >= 1, --length >= 2, --seconds > 0, --warmup >= 0");
    }
    BertConfig cfg;
    boolean classifier;
    try (BertCheckpoint ckpt = BertCheckpoint.open(model)) {
      cfg = ckpt.config();
      classifier = ckpt.hasClassifier() && ckpt.hasPooler();
    }
    if (length > cfg.maxPositionEmbeddings()) {
      throw new CliErrors.UserException("--length " + length + " exceeds max_position_embeddings "
          + cfg.maxPositionEmbeddings());
    }
    Precision requested = PredictCommand.parsePrecision(precision);
    if (train && requested != Precision.FLOAT32) {
      throw new CliErrors.UserException("--train runs in float32 only (training needs float gradients); drop --precision");
    }
    BertForSequenceClassification cls = null;
    BertModel enc = null;
    if (train) {
      cls = classifier ? BertForSequenceClassification.load(model)
          : BertForSequenceClassification.withNewHead(model, TRAIN_LABELS, seed);
    } else if (classifier) {
      cls = BertForSequenceClassification.load(model).withPrecision(requested);
    } else {
      enc = BertModel.load(model).withPrecision(requested);
    }
    Precision effective = cls != null ? cls.effectivePrecision() : enc.effectivePrecision();
    String notice = cls != null ? cls.precisionNotice() : enc.precisionNotice();
    if (notice != null) {
      spec.commandLine().getErr().println("note: " + notice);
      spec.commandLine().getErr().flush();
    }

    int[][] ids = new int[batchSize][length];
    int[][] mask = new int[batchSize][length];
    int[][] types = new int[batchSize][length];
    int[] labels = new int[batchSize];
    SplittableRandom rng = new SplittableRandom(seed);
    int low = Math.min(FIRST_ORDINARY_ID, cfg.vocabSize() - 1);
    for (int i = 0; i < batchSize; i++) {
      for (int j = 0; j < length; j++) {
        ids[i][j] = low + rng.nextInt(cfg.vocabSize() - low);
        mask[i][j] = 1;
      }
      labels[i] = i % TRAIN_LABELS.size();
    }
    Runnable pass;
    if (train) {
      BertForSequenceClassification m = cls;
      AdamW opt = new AdamW(m.parameters(), AdamW.Hyper.defaults());
      long[] step = {0};
      pass = () -> {
        m.parameters().zeroGrad();
        m.forwardBackward(ids, mask, types, labels, null, true, seed + step[0]++);
        opt.step(TRAIN_LR, p -> 1.0, 1.0, TRAIN_MAX_GRAD_NORM);
      };
    } else if (cls != null) {
      BertForSequenceClassification m = cls;
      pass = () -> m.predictLogits(ids, mask, types);
    } else {
      BertModel m = enc;
      pass = () -> m.lastHiddenState(ids, mask, types);
    }
    boolean headed = cls != null;

    for (int i = 0; i < warmup; i++) {
      pass.run();
    }
    long budget = (long) (seconds * 1e9);
    long[] times = new long[1024];
    int n = 0;
    long start = System.nanoTime();
    while (n < times.length && (n == 0 || System.nanoTime() - start < budget)) {
      long t0 = System.nanoTime();
      pass.run();
      times[n++] = System.nanoTime() - t0;
    }
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += times[i];
    }
    long[] sorted = Arrays.copyOf(times, n);
    Arrays.sort(sorted);
    double meanS = total / 1e9 / n;
    double flops = (train ? TRAIN_FLOP_FACTOR : 1) * forwardFlops(cfg, batchSize, length, headed);
    double gflops = flops / meanS / 1e9;
    double peak = sgemmPeak((long) batchSize * length, cfg.hiddenSize(), cfg.intermediateSize());

    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "model %s (%s, %d layers, hidden %d), batch %d x %d tokens, %d %s, %s%n", model,
        classifier ? "classifier" : "encoder", cfg.numHiddenLayers(), cfg.hiddenSize(), batchSize, length, n,
        train ? "training steps (forward + backward + AdamW)" : "passes", effective.name().toLowerCase(Locale.ROOT));
    out.printf(Locale.ROOT, "latency p50 %.2f ms, p99 %.2f ms, mean %.2f ms%n", sorted[n / 2] / 1e6,
        sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6, meanS * 1e3);
    out.printf(Locale.ROOT, "%.1f sequences/s, %.0f tokens/s, %.1f GFLOP/s = %.0f%% of sgemm peak %.1f GFLOP/s "
        + "(measured at %dx%dx%d)%n", batchSize / meanS, batchSize * length / meanS, gflops, 100 * gflops / peak,
        peak, (long) batchSize * length, cfg.hiddenSize(), cfg.intermediateSize());
    printExpectedPeak(out, peak, (long) batchSize * length);
    if (profile) {
      printProfile(out, pass, Math.max(3, Math.min(n, PROFILE_MAX_PASSES)), meanS);
    }
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("mode", train ? "train" : "inference");
      o.put("batch_size", batchSize);
      o.put("length", length);
      o.put("passes", n);
      o.put("precision", effective.name().toLowerCase(Locale.ROOT));
      o.put("latency_p50_ms", sorted[n / 2] / 1e6);
      o.put("latency_mean_ms", meanS * 1e3);
      o.put("sequences_per_second", batchSize / meanS);
      o.put("tokens_per_second", batchSize * length / meanS);
      o.put("gflops", gflops);
      o.put("peak_gflops", peak);
      o.put("peak_fraction", gflops / peak);
      o.put("blas_kernel", BlasKernel.detect().describe());
      out.println(o.toString());
    }
    out.flush();
    return 0;
  }

  /** Labels of the random head --train puts on an encoder; labels cycle through them. */
  static final List<String> TRAIN_LABELS = List.of("negative", "neutral", "positive");
  static final double TRAIN_LR = 5e-5;
  static final double TRAIN_MAX_GRAD_NORM = 1.0;
  /** Backward = two gemms per forward gemm (dX and dW): a training step is counted as 3x the forward FLOPs. */
  public static final int TRAIN_FLOP_FACTOR = 3;
  static final int PROFILE_MAX_PASSES = 20;

  /**
   * Runs {@code passes} more passes with the {@link Profiler} on and prints the time per operation and pass, its
   * share of the pass, and the achieved GFLOP/s of the products. "other" is the unprofiled rest (Java glue, ND4J
   * allocation, the workspace, small head ops).
   */
  static void printProfile(PrintWriter out, Runnable pass, int passes, double unprofiledMeanS) {
    Profiler.reset();
    Profiler.enable(true);
    long t0 = System.nanoTime();
    try {
      for (int i = 0; i < passes; i++) {
        pass.run();
      }
    } finally {
      Profiler.enable(false);
    }
    double wall = (System.nanoTime() - t0) / 1e9 / passes;
    List<Profiler.Row> rows = Profiler.rows();
    out.printf(Locale.ROOT, "profile (%d passes, %.2f ms per pass profiled vs %.2f ms unprofiled):%n", passes,
        wall * 1e3, unprofiledMeanS * 1e3);
    out.printf(Locale.ROOT, "  %-44s %10s %7s %7s %10s%n", "operation", "ms/pass", "share", "calls", "GFLOP/s");
    double covered = 0;
    for (Profiler.Row r : rows) {
      double ms = r.seconds() / passes * 1e3;
      covered += r.seconds() / passes;
      out.printf(Locale.ROOT, "  %-44s %10.3f %6.1f%% %7d %10s%n", r.name(), ms, 100 * r.seconds() / passes / wall,
          r.calls() / passes, Double.isNaN(r.gflops()) ? "-" : String.format(Locale.ROOT, "%.1f", r.gflops()));
    }
    double other = Math.max(0, wall - covered);
    out.printf(Locale.ROOT, "  %-44s %10.3f %6.1f%%%n", "other (glue, allocation, head, loss)", other * 1e3,
        100 * other / wall);
    Profiler.reset();
  }

  /** First id after bert-base-uncased's [unused] and special tokens, so random ids are ordinary word pieces. */
  static final int FIRST_ORDINARY_ID = 1000;

  /**
   * Forward multiply-adds ×2: per layer the four H×H projections and the two H×I ones on B·T rows, plus the
   * attention products (q·kᵀ and p·v: 2·B·T²·H each); pooler and classifier on B rows.
   */
  public static double forwardFlops(BertConfig c, int b, int t, boolean classifier) {
    double bt = (double) b * t;
    double h = c.hiddenSize();
    double perLayer = 2 * bt * (4 * h * h + 2 * h * c.intermediateSize()) + 2 * 2 * (double) b * t * t * h;
    double head = classifier ? 2.0 * b * h * h + 2.0 * b * h * c.numLabels() : 0;
    return c.numHiddenLayers() * perLayer + head;
  }

  /**
   * The sgemm figure beside the order of magnitude this CPU's SIMD level should reach, so that a wrong kernel (OpenBLAS
   * 0.3.19 ran SSE3 kernels on current Intel Xeons, 5x slower) cannot pass unnoticed.
   */
  static void printExpectedPeak(PrintWriter out, double peak, long rows) {
    BlasKernel k = BlasKernel.detect();
    int threads = Runtime.getRuntime().availableProcessors();
    double[] expected = k.expectedLargeSgemmGflops(threads);
    out.printf(Locale.ROOT, "sgemm expected on %d cores (%s): about %.0f-%.0f GFLOP/s at >= %d rows%s%n",
        threads, k.cpuLevel(), expected[0], expected[1], BlasKernel.LARGE_PRODUCT_ROWS,
        rows < BlasKernel.LARGE_PRODUCT_ROWS ? " (this shape has " + rows + " rows: less is normal)" : "");
    if (rows >= BlasKernel.LARGE_PRODUCT_ROWS && peak < expected[0] / 2) {
      out.printf(Locale.ROOT, "WARNING: the measured sgemm (%.1f GFLOP/s) is far below that: a wrong kernel "
          + "(see `finbert info`: BLAS kernel, dense layers), a busy machine or fewer free cores than threads%n", peak);
    }
    if (k.warning() != null) {
      out.println("WARNING: " + k.warning());
    }
  }

  /**
   * float32 GFLOP/s of the product at [m, k] × [n, k]ᵀ into a preallocated output (best of a few runs), on the dense
   * backend a float32 model gets here (oneDNN by default on x86-64, else ND4J's gemm), so that the model's figure is
   * read against the kernel it actually runs.
   */
  static double sgemmPeak(long m, int k, int n) {
    try (io.finbert4j.core.dense.DenseBackend dense = io.finbert4j.core.dense.DenseBackend.create(DataType.FLOAT)) {
      return sgemmPeak(dense, m, k, n);
    }
  }

  private static double sgemmPeak(io.finbert4j.core.dense.DenseBackend dense, long m, int k, int n) {
    INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, k);
    INDArray c = Nd4j.create(DataType.FLOAT, m, n);
    int reps = (int) Math.max(3, Math.min(50, 2e10 / (2.0 * m * k * n)));
    double best = 0;
    for (int round = 0; round < 3; round++) {
      dense.forward(a, b, null, c, false);
      long t0 = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        dense.forward(a, b, null, c, false);
      }
      double s = (System.nanoTime() - t0) / 1e9 / reps;
      best = Math.max(best, 2.0 * m * k * n / s / 1e9);
    }
    return best;
  }
}
