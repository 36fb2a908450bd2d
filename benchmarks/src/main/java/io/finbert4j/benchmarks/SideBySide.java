package io.finbert4j.benchmarks;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.BertModel;
import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.core.dense.DenseBackend;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * One JVM, three engines interleaved round by round on the same inputs: ours on oneDNN (the default dense
 * backend), ours on ND4J's gemm ({@code -Dfinbert.dense=blas} for that model only) and ONNX Runtime. On a shared,
 * noisy machine the load changes from minute to minute; interleaving gives each engine the same conditions, so the
 * ratios hold even where the absolute times do not. Uses {@link InferenceBenchmark}'s models and inputs.
 *
 * <p>{@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * io.finbert4j.benchmarks.SideBySide minilm 32x48 [rounds] [calls per round]}: prints the median per-call time of
 * each engine over the rounds and the median of the per-round ratios.
 */
public final class SideBySide {
  private SideBySide() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("train")) {
      train(args);
      return;
    }
    InferenceBenchmark b = new InferenceBenchmark();
    b.model = args.length > 0 ? args[0] : InferenceBenchmark.MINILM;
    b.shape = args.length > 1 ? args[1] : "32x48";
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
    int calls = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    b.setup(); // ORT session and our default (oneDNN) model
    Supplier<Object> dnnl = b::finbert4j;
    Object blasModel = loadWithBlas(b);
    BenchInputs in = b.inputs;
    Supplier<Object> blas = blasModel instanceof BertModel m
        ? () -> m.lastHiddenState(in.ids(), in.mask(), in.types())
        : () -> ((BertForSequenceClassification) blasModel).predictLogits(in.ids(), in.mask(), in.types());
    Supplier<Object> ort = () -> {
      try {
        return b.onnxruntime();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    String[] names = {"ours oneDNN", "ours OpenBLAS", "ONNX Runtime"};
    @SuppressWarnings("unchecked")
    Supplier<Object>[] engines = new Supplier[] {dnnl, blas, ort};
    for (Supplier<Object> e : engines) { // warm-up
      for (int i = 0; i < 2 * calls; i++) {
        e.get();
      }
    }
    double[][] ms = new double[engines.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int e = 0; e < engines.length; e++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          engines[e].get();
        }
        ms[e][r] = (System.nanoTime() - t0) / 1e6 / calls;
      }
    }
    System.out.printf(Locale.ROOT, "%s %s, %d rounds x %d calls, load %s%n", b.model, b.shape, rounds, calls,
        java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    for (int e = 0; e < engines.length; e++) {
      System.out.printf(Locale.ROOT, "  %-14s median %9.2f ms/call%n", names[e], median(ms[e]));
    }
    double[] vsOrt = new double[rounds];
    double[] vsBlas = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      vsOrt[r] = ms[2][r] / ms[0][r];
      vsBlas[r] = ms[1][r] / ms[0][r];
    }
    System.out.printf(Locale.ROOT, "  ours(oneDNN) / ORT throughput %.2fx, oneDNN / OpenBLAS path %.2fx (per-round medians)%n",
        median(vsOrt), median(vsBlas));
    b.tearDown();
  }

  /**
   * {@code train [BxT] [rounds] [calls]}: MiniLM-shaped training steps (forward + backward + AdamW, {@link
   * TrainStepBenchmark}) on oneDNN, on ND4J's gemm and, where the CPU has bf16, in bf16 ({@code finetune
   * --precision bf16}), interleaved.
   */
  private static void train(String[] args) throws Exception {
    String shape = args.length > 1 ? args[1] : "32x48";
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int calls = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    int[] bt = BenchInputs.parseShape(shape);
    boolean withBf16 = io.finbert4j.core.quant.Precision.bf16Status() == null;
    TrainStepBenchmark dnnl = new TrainStepBenchmark();
    TrainStepBenchmark blas = new TrainStepBenchmark();
    TrainStepBenchmark bf16 = new TrainStepBenchmark();
    TrainStepBenchmark[] all = withBf16 ? new TrainStepBenchmark[] {dnnl, blas, bf16}
        : new TrainStepBenchmark[] {dnnl, blas};
    for (TrainStepBenchmark t : all) {
      t.batch = bt[0];
      t.seqLen = bt[1];
      t.modelDir = "";
      t.setup();
    }
    dnnl.trainStep(); // default backend chosen at the first product
    String old = System.getProperty(DenseBackend.PROPERTY);
    System.setProperty(DenseBackend.PROPERTY, "blas");
    try {
      blas.trainStep();
    } finally {
      if (old == null) {
        System.clearProperty(DenseBackend.PROPERTY);
      } else {
        System.setProperty(DenseBackend.PROPERTY, old);
      }
    }
    if (withBf16) { // finetune --precision bf16: every product with bf16 operands, float32 master weights
      bf16.params.useDense(io.finbert4j.core.dense.OneDnnDense.bf16Training()).close();
    }
    for (int i = 0; i < calls; i++) {
      for (TrainStepBenchmark t : all) {
        t.trainStep();
      }
    }
    double[][] ms = new double[all.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int e = 0; e < all.length; e++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
          all[e].trainStep();
        }
        ms[e][r] = (System.nanoTime() - t0) / 1e6 / calls;
      }
    }
    double[] ratio = new double[rounds];
    double[] ratioBf16 = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratio[r] = ms[1][r] / ms[0][r];
      ratioBf16[r] = withBf16 ? ms[0][r] / ms[2][r] : Double.NaN;
    }
    System.out.printf(Locale.ROOT, "training step %s, %d rounds x %d steps, load %s%n", shape, rounds, calls,
        java.nio.file.Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf(Locale.ROOT, "  ours oneDNN    median %9.2f ms/step (%s)%n", median(ms[0]),
        dnnl.params.dense().describe());
    System.out.printf(Locale.ROOT, "  ours OpenBLAS  median %9.2f ms/step (%s)%n", median(ms[1]),
        blas.params.dense().describe());
    if (withBf16) {
      System.out.printf(Locale.ROOT, "  ours bf16      median %9.2f ms/step (%s)%n", median(ms[2]),
          bf16.params.dense().describe());
    }
    System.out.printf(Locale.ROOT, "  oneDNN / OpenBLAS speed %.2fx (per-round median)%n", median(ratio));
    if (withBf16) {
      System.out.printf(Locale.ROOT, "  bf16 / oneDNN float32 speed %.2fx, bf16 / OpenBLAS %.2fx (per-round medians)%n",
          median(ratioBf16), median(mul(ratio, ratioBf16)));
    }
  }

  private static double[] mul(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] * b[i];
    }
    return c;
  }

  /** A second copy of the model whose dense backend is ND4J's gemm (the property is read at the first product). */
  private static Object loadWithBlas(InferenceBenchmark b) throws Exception {
    String old = System.getProperty(DenseBackend.PROPERTY);
    System.setProperty(DenseBackend.PROPERTY, "blas");
    try {
      Path base = Path.of(System.getProperty("finbert.bench.dir", System.getProperty("java.io.tmpdir")));
      BenchInputs in = b.inputs;
      if (b.oursEncoder != null) {
        BertModel m = BertModel.load(MiniLmResources.importedModel(base.resolve("finbert4j-bench-minilm")));
        m.lastHiddenState(in.ids(), in.mask(), in.types());
        return m;
      }
      BertForSequenceClassification m = BertForSequenceClassification.load(
          InferenceBenchmark.bertBase(base.resolve("finbert4j-bench-bert-base")));
      m.predictLogits(in.ids(), in.mask(), in.types());
      return m;
    } finally {
      if (old == null) {
        System.clearProperty(DenseBackend.PROPERTY);
      } else {
        System.setProperty(DenseBackend.PROPERTY, old);
      }
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
