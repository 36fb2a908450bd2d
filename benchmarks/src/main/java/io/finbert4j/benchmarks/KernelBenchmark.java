package io.finbert4j.benchmarks;

import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
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
 * The non-gemm kernels of one encoder layer at MiniLM shapes (B×T = 32×48, H = 384, NH = 12, I = 1536), each as
 * the plain ND4J op sequence (the correctness control) and as a fused Java pass over the off-heap buffer, plus the
 * fused-QKV gemm against three separate ones. ARCHITECTURE.md "Where the time goes" lists what these cost in the
 * first encoder (Erf 17.6 ms, LayerNorm 2.7 ms, SoftMax 2.1 ms per layer at this size).
 *
 * <p>Run: {@code scripts/bench.sh generic KernelBenchmark -rf json -rff kernels.json}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class KernelBenchmark {
  @Param({"32"})
  public int b;

  @Param({"48"})
  public int t;

  @Param({"384"})
  public int h;

  @Param({"12"})
  public int nh;

  private static final double SQRT2 = Math.sqrt(2.0);
  private static final double LN_EPS = 1e-12;

  private INDArray inter; // [B·T, 4H] pre-GELU activations
  private INDArray interOut; // [B·T, 4H]
  private INDArray hidden; // [B·T, H]
  private INDArray residual; // [B·T, H]
  private INDArray lnOut; // [B·T, H]
  private INDArray gamma; // [H]
  private INDArray beta; // [H]
  private INDArray scores; // [B, NH, T, T]
  private INDArray maskBias; // [B, 1, 1, T] 0 / -inf-like
  private float[] maskBiasArr; // [B·T]
  private INDArray wQkv; // [3H, H]
  private INDArray wQ; // [H, H]
  private INDArray qkv; // [B·T, 3H]
  private INDArray q; // [B·T, H]

  @Setup(Level.Trial)
  public void setUp() {
    Nd4j.getRandom().setSeed(3);
    int m = b * t;
    inter = Nd4j.randn(DataType.FLOAT, m, 4L * h);
    interOut = Nd4j.create(DataType.FLOAT, m, 4L * h);
    hidden = Nd4j.randn(DataType.FLOAT, m, h);
    residual = Nd4j.randn(DataType.FLOAT, m, h);
    lnOut = Nd4j.create(DataType.FLOAT, m, h);
    gamma = Nd4j.rand(DataType.FLOAT, h);
    beta = Nd4j.rand(DataType.FLOAT, h);
    scores = Nd4j.randn(DataType.FLOAT, b, nh, t, t);
    maskBiasArr = new float[b * t];
    for (int i = 0; i < b; i++) {
      for (int j = t - i % 8; j < t; j++) { // a few padded keys per sequence
        maskBiasArr[i * t + j] = -Float.MAX_VALUE;
      }
    }
    maskBias = Nd4j.create(maskBiasArr, new long[] {b, 1, 1, t}, 'c');
    wQkv = Nd4j.randn(DataType.FLOAT, 3L * h, h);
    wQ = Nd4j.randn(DataType.FLOAT, h, h);
    qkv = Nd4j.create(DataType.FLOAT, m, 3L * h);
    q = Nd4j.create(DataType.FLOAT, m, h);
  }

  /** GELU(x) = 0.5·x·(1 + erf(x/√2)) from ND4J ops (allocating, several passes). */
  @Benchmark
  public INDArray geluNd4j() {
    INDArray e = Nd4j.exec(new Erf(inter.div(SQRT2)));
    return e.addi(1.0).muli(inter).muli(0.5);
  }

  /** The same GELU as one Java pass per row into a preallocated output (erf by A&amp;S 7.1.26, |err| ≤ 1.5e-7). */
  @Benchmark
  public INDArray geluJava() {
    int cols = (int) inter.columns();
    FloatBuffer src = inter.data().asNioFloat();
    FloatBuffer dst = interOut.data().asNioFloat();
    IntStream.range(0, (int) inter.rows()).parallel().forEach(r -> {
      float[] row = new float[cols];
      src.get(r * cols, row, 0, cols);
      for (int i = 0; i < cols; i++) {
        float x = row[i];
        row[i] = 0.5f * x * (1f + erf(x * 0.70710678f));
      }
      dst.put(r * cols, row, 0, cols);
    });
    return interOut;
  }

  /** Abramowitz &amp; Stegun 7.1.26. */
  static float erf(float x) {
    float ax = Math.abs(x);
    float tt = 1f / (1f + 0.3275911f * ax);
    float y = 1f - (((((1.061405429f * tt - 1.453152027f) * tt) + 1.421413741f) * tt - 0.284496736f) * tt
        + 0.254829592f) * tt * (float) Math.exp(-ax * ax);
    return Math.copySign(y, x);
  }

  /** Residual add + LayerNorm with ND4J ops (allocating add, then the LayerNorm custom op). */
  @Benchmark
  public INDArray residualLayerNormNd4j() {
    INDArray sum = hidden.add(residual);
    Nd4j.exec(new LayerNorm(sum, gamma, beta, lnOut, true, 1));
    return lnOut;
  }

  /** Residual add + LayerNorm (biased variance, eps 1e-12) as one Java pass per row. */
  @Benchmark
  public INDArray residualLayerNormJava() {
    int cols = h;
    FloatBuffer a = hidden.data().asNioFloat();
    FloatBuffer r = residual.data().asNioFloat();
    FloatBuffer o = lnOut.data().asNioFloat();
    float[] g = gamma.data().asFloat();
    float[] be = beta.data().asFloat();
    IntStream.range(0, (int) hidden.rows()).parallel().forEach(row -> {
      float[] x = new float[cols];
      float[] y = new float[cols];
      a.get(row * cols, x, 0, cols);
      r.get(row * cols, y, 0, cols);
      float mean = 0f;
      for (int i = 0; i < cols; i++) {
        x[i] += y[i];
        mean += x[i];
      }
      mean /= cols;
      float var = 0f;
      for (int i = 0; i < cols; i++) {
        float d = x[i] - mean;
        var += d * d;
      }
      float rstd = (float) (1.0 / Math.sqrt(var / cols + LN_EPS));
      for (int i = 0; i < cols; i++) {
        x[i] = (x[i] - mean) * rstd * g[i] + be[i];
      }
      o.put(row * cols, x, 0, cols);
    });
    return lnOut;
  }

  /** Masked softmax with ND4J: broadcast add of the [B,1,1,T] mask (materialised), then SoftMax. */
  @Benchmark
  public INDArray maskedSoftmaxNd4j() {
    INDArray masked = scores.add(maskBias.broadcast(scores.shape()));
    return Nd4j.exec(new SoftMax(masked, masked, -1))[0];
  }

  /** Masked softmax in place, one Java pass per (b, head, query) row, mask read per batch without broadcasting. */
  @Benchmark
  public INDArray maskedSoftmaxJava() {
    FloatBuffer s = scores.data().asNioFloat();
    int rowsPerBatch = nh * t;
    IntStream.range(0, b * rowsPerBatch).parallel().forEach(row -> {
      int batch = row / rowsPerBatch;
      float[] x = new float[t];
      s.get(row * t, x, 0, t);
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < t; j++) {
        x[j] += maskBiasArr[batch * t + j];
        max = Math.max(max, x[j]);
      }
      float sum = 0f;
      for (int j = 0; j < t; j++) {
        x[j] = (float) Math.exp(x[j] - max);
        sum += x[j];
      }
      float inv = 1f / sum;
      for (int j = 0; j < t; j++) {
        x[j] *= inv;
      }
      s.put(row * t, x, 0, t);
    });
    return scores;
  }

  /** Q, K and V projections as one [B·T, H] × [H, 3H] gemm. */
  @Benchmark
  public INDArray qkvFused() {
    Nd4j.gemm(hidden, wQkv, qkv, false, true, 1.0, 0.0);
    return qkv;
  }

  /** Q, K and V projections as three [B·T, H] × [H, H] gemms. */
  @Benchmark
  public INDArray qkvSeparate() {
    for (int i = 0; i < 3; i++) {
      Nd4j.gemm(hidden, wQ, q, false, true, 1.0, 0.0);
    }
    return q;
  }
}
