package io.finbert4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Machine-peak probe: float32 sgemm ({@code Nd4j.gemm} into a pre-allocated output, weight transposed as
 * {@code nn.Linear} stores it) at the shapes a BERT encoder issues, so that end-to-end figures can be read as a
 * fraction of what the BLAS under ND4J can do on this machine.
 *
 * <p>Shapes: M = B·T ∈ {16, 128, 1536, 4096}; (K, N) = BERT-base's fused QKV (768→2304), attention output
 * (768→768), intermediate (768→3072), output (3072→768), and MiniLM-L6's (384→1152, 384→384, 384→1536, 1536→384).
 *
 * <p>JMH: {@code java -jar benchmarks/target/benchmarks.jar PeakProbe -rf json -rff peak.json}; the
 * {@code mflop} auxiliary counter is the achieved MFLOP/s (JMH reports it as a rate next to ops/s). The plain
 * {@link #main} prints a GFLOP/s table in a few seconds per shape, beside the oneDNN dense backend's (plain and with
 * bias + erf-GELU fused) and oneDNN 3 int8 rates (s8 × s8 with 7-bit weights, as the quantizer gives them without VNNI).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class PeakProbe {
  /** Rows of the activation matrix, B·T. */
  @Param({"16", "128", "1536", "4096"})
  public int m;

  /** "K:N": input and output features of the weight. */
  @Param({"768:2304", "768:768", "768:3072", "3072:768", "384:1152", "384:384", "384:1536", "1536:384"})
  public String kn;

  private INDArray x; // [M, K]
  private INDArray w; // [N, K] (nn.Linear layout)
  private INDArray c; // [M, N]
  private double flopPerCall;

  /** Achieved MFLOP/s as a JMH secondary metric (a counter of MFLOP, reported per second). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double mflop;

    @Setup(Level.Iteration)
    public void reset() {
      mflop = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    int[] kAndN = parseKn(kn);
    x = Nd4j.rand(DataType.FLOAT, m, kAndN[0]);
    w = Nd4j.rand(DataType.FLOAT, kAndN[1], kAndN[0]);
    c = Nd4j.create(DataType.FLOAT, m, kAndN[1]);
    flopPerCall = 2.0 * m * kAndN[0] * kAndN[1];
  }

  @Benchmark
  public INDArray sgemm(Flops flops) {
    Nd4j.gemm(x, w, c, false, true, 1.0, 0.0);
    flops.mflop += flopPerCall / 1e6;
    return c;
  }

  /** The same product on the oneDNN dense backend the model uses by default on x86-64 (runtime-M primitive). */
  @Benchmark
  public INDArray onednn(Flops flops) {
    if (dnnl == null) {
      dnnl = new io.finbert4j.core.dense.OneDnnDense();
    }
    dnnl.forward(x, w, null, c, false);
    flops.mflop += flopPerCall / 1e6;
    return c;
  }

  private io.finbert4j.core.dense.OneDnnDense dnnl;

  @org.openjdk.jmh.annotations.TearDown(Level.Trial)
  public void tearDown() {
    if (dnnl != null) {
      dnnl.close();
    }
  }

  /** "K:N" (the form JMH's -p accepts, as it splits on commas) or "K,N". */
  static int[] parseKn(String kn) {
    String[] p = kn.split("[:,]");
    if (p.length != 2) {
      throw new IllegalArgumentException("kn must be \"K:N\", got \"" + kn + "\"");
    }
    return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
  }

  /** Times {@code body} for about {@code seconds} after a warm-up; returns seconds per call (median of 5 rounds). */
  static double secondsPerCall(Runnable body, double seconds) {
    for (int i = 0; i < 3; i++) {
      body.run();
    }
    long t0 = System.nanoTime();
    body.run();
    double one = Math.max((System.nanoTime() - t0) / 1e9, 1e-6);
    int reps = (int) Math.max(1, Math.min(10_000, seconds / 5 / one));
    double[] rounds = new double[5];
    for (int r = 0; r < rounds.length; r++) {
      long t = System.nanoTime();
      for (int i = 0; i < reps; i++) {
        body.run();
      }
      rounds[r] = (System.nanoTime() - t) / 1e9 / reps;
    }
    java.util.Arrays.sort(rounds);
    return rounds[rounds.length / 2];
  }

  /**
   * Prints the GFLOP/s table (float32 ND4J gemm and oneDNN, and oneDNN int8 s8×s8→s32 / s8×s8→f32 in GOP/s).
   * Arguments: optional seconds per shape (default 1.0); {@code --no-int8} skips the int8 rows.
   */
  public static void main(String[] args) {
    double seconds = 1.0;
    boolean int8 = true;
    for (String a : args) {
      if (a.equals("--no-int8")) {
        int8 = false;
      } else {
        seconds = Double.parseDouble(a);
      }
    }
    System.out.println("# " + Nd4j.getExecutioner().getEnvironmentInformation());
    System.out.println("# natives: " + nativesVariant());
    int[] ms = {16, 128, 1536, 4096};
    String[] kns = {"768,2304", "768,768", "768,3072", "3072,768", "384,1152", "384,384", "384,1536", "1536,384"};
    System.out.printf(Locale.ROOT, "%6s %6s %6s %10s %10s %10s %10s %10s%n",
        "M", "K", "N", "blas f32", "dnnl f32", "dnnl+gelu", "s8s8->s32", "s8s8->f32");
    io.finbert4j.core.dense.OneDnnDense dense = new io.finbert4j.core.dense.OneDnnDense();
    for (int mm : ms) {
      for (String s : kns) {
        int[] kAndN = parseKn(s);
        int k = kAndN[0];
        int n = kAndN[1];
        double flop = 2.0 * mm * k * n;
        INDArray xf = Nd4j.rand(DataType.FLOAT, mm, k);
        INDArray wf = Nd4j.rand(DataType.FLOAT, n, k);
        INDArray cf = Nd4j.create(DataType.FLOAT, mm, n);
        INDArray bf = Nd4j.rand(DataType.FLOAT, n);
        double f32 = flop / secondsPerCall(() -> Nd4j.gemm(xf, wf, cf, false, true, 1.0, 0.0), seconds) / 1e9;
        double dn = flop / secondsPerCall(() -> dense.forward(xf, wf, null, cf, false), seconds) / 1e9;
        double dg = flop / secondsPerCall(() -> dense.forward(xf, wf, bf, cf, true), seconds) / 1e9;
        List<String> cols = new ArrayList<>();
        cols.add(String.format(Locale.ROOT, "%10.1f", f32));
        cols.add(String.format(Locale.ROOT, "%10.1f", dn));
        cols.add(String.format(Locale.ROOT, "%10.1f", dg));
        if (int8) {
          INDArray xs = Nd4j.rand(DataType.FLOAT, mm, k).muli(254).subi(127).castTo(DataType.INT8);
          INDArray ws = Nd4j.rand(DataType.FLOAT, k, n).muli(126).subi(63).castTo(DataType.INT8);
          cols.add(int8Rate(xs, ws, DataType.INT32, flop, seconds));
          cols.add(int8Rate(xs, ws, DataType.FLOAT, flop, seconds));
        }
        System.out.printf(Locale.ROOT, "%6d %6d %6d %s%n", mm, k, n, String.join(" ", cols));
      }
    }
    dense.close();
  }

  private static String int8Rate(INDArray a, INDArray b, DataType outType, double flop, double seconds) {
    INDArray out = Nd4j.create(outType, a.rows(), b.columns());
    try {
      double s = secondsPerCall(() -> io.finbert4j.core.dense.OneDnnInt8.matmul(a, b, out),
          Math.min(seconds, 0.5));
      return String.format(Locale.ROOT, "%10.1f", flop / s / 1e9);
    } catch (RuntimeException e) {
      return String.format(Locale.ROOT, "%10s", "failed");
    }
  }

  /** The dense backend a float32 model gets in this JVM (oneDNN with its ISA and kernel, or ND4J's gemm). */
  static String nativesVariant() {
    try (var d = io.finbert4j.core.dense.DenseBackend.create(org.nd4j.linalg.api.buffer.DataType.FLOAT)) {
      return d.describe();
    }
  }
}
