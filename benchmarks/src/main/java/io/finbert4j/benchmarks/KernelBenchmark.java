package io.finbert4j.benchmarks;

import io.finbert4j.core.nn.AttentionKernels;
import io.finbert4j.core.nn.Buf;
import io.finbert4j.core.nn.Kernels;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
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
 * The kernels of one encoder layer, forward and backward, as the encoder runs them ({@link Kernels}: Java passes
 * over the off-heap buffers, split across the cores past a size threshold), next to the plain ND4J op sequences
 * they replaced (the {@code *Nd4j} methods), the attention variants (one batched matmul over B·NH vs a per-head loop
 * of gemms), the whole attention fused ({@link AttentionKernels}) vs unfused (head copies around batched matmuls),
 * and the fused Q/K/V projection against three separate gemms. Default shape: MiniLM at batch 32 × 48
 * (H 384, NH 12, I 1536); {@code -p b=1 -p t=16} gives the latency-bound case, {@code -p h=768 -p nh=12} BERT-base.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar KernelBenchmark -rf json -rff kernels.json}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
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

  private int m; // B·T rows
  private int hs; // head size
  private INDArray inter; // [B·T, 4H] pre-GELU activations
  private INDArray interOut; // [B·T, 4H]
  private INDArray interGrad; // [B·T, 4H]
  private INDArray hidden; // [B·T, H]
  private INDArray residual; // [B·T, H]
  private INDArray lnOut; // [B·T, H]
  private INDArray lnGrad; // [B·T, H]
  private INDArray lnDx; // [B·T, H]
  private INDArray gamma; // [H]
  private INDArray beta; // [H]
  private INDArray dGamma; // [H]
  private INDArray dBeta; // [H]
  private double[] mean;
  private double[] rstd;
  private INDArray scores; // [B·NH, T, T]
  private INDArray probs; // [B·NH, T, T] (softmax output, for the backward)
  private INDArray scoreGrad; // [B·NH, T, T]
  private INDArray maskBias; // [B, 1, 1, T] 0 / float minimum (ND4J variant)
  private double[][] maskAdd; // [B][T] (our kernel)
  private INDArray q; // [B·NH, T, HS]
  private INDArray k;
  private INDArray v;
  private INDArray ctx; // [B·NH, T, HS]
  private INDArray dCtx;
  private INDArray dQ;
  private INDArray dK;
  private INDArray dV;
  private INDArray flat; // [B·T, H]
  private INDArray wQkv; // [3H, H]
  private INDArray wQ; // [H, H]
  private INDArray wK;
  private INDArray wV;
  private INDArray qkv; // [B·T, 3H]
  private INDArray qOut; // [B·T, H] ×3
  private INDArray kOut;
  private INDArray vOut;
  private INDArray dQkv; // [B·T, 3H]
  private INDArray dWQkv; // [3H, H]
  private INDArray dWQ; // [H, H]
  private INDArray[] dY3; // dQkv's three [B·T, H] column blocks, as separate arrays
  private INDArray qFlat; // [B·T, H] projections, as the fused attention reads them
  private INDArray kFlat;
  private INDArray vFlat;
  private INDArray dQFlat; // [B·T, H]
  private INDArray dKFlat;
  private INDArray dVFlat;
  private byte[] keep; // attention dropout mask [B·NH·T·T]

  @Setup(Level.Trial)
  public void setUp() {
    Nd4j.getRandom().setSeed(3);
    m = b * t;
    hs = h / nh;
    inter = Nd4j.randn(DataType.FLOAT, m, 4L * h);
    interOut = Nd4j.create(DataType.FLOAT, m, 4L * h);
    interGrad = Nd4j.randn(DataType.FLOAT, m, 4L * h);
    hidden = Nd4j.randn(DataType.FLOAT, m, h);
    residual = Nd4j.randn(DataType.FLOAT, m, h);
    lnOut = Nd4j.create(DataType.FLOAT, m, h);
    lnGrad = Nd4j.randn(DataType.FLOAT, m, h);
    lnDx = Nd4j.create(DataType.FLOAT, m, h);
    gamma = Nd4j.rand(DataType.FLOAT, h);
    beta = Nd4j.rand(DataType.FLOAT, h);
    dGamma = Nd4j.create(DataType.FLOAT, h);
    dBeta = Nd4j.create(DataType.FLOAT, h);
    mean = new double[m];
    rstd = new double[m];
    Kernels.layerNormForward(Buf.of(hidden), Buf.of(gamma), Buf.of(beta), Buf.of(lnOut), mean, rstd, m, h, LN_EPS);
    scores = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, t);
    scoreGrad = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, t);
    float[] maskArr = new float[b * t];
    maskAdd = new double[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = t - i % 8; j < t; j++) { // a few padded keys per sequence
        maskArr[i * t + j] = -Float.MAX_VALUE;
        maskAdd[i][j] = -Float.MAX_VALUE;
      }
    }
    maskBias = Nd4j.create(maskArr, new long[] {b, 1, 1, t}, 'c');
    probs = scores.dup();
    Kernels.maskedSoftmaxInPlace(Buf.of(probs), maskAdd, b, nh, t, 1.0 / Math.sqrt(hs));
    q = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, hs);
    k = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, hs);
    v = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, hs);
    ctx = Nd4j.create(DataType.FLOAT, (long) b * nh, t, hs);
    dCtx = Nd4j.randn(DataType.FLOAT, (long) b * nh, t, hs);
    dQ = Nd4j.create(DataType.FLOAT, (long) b * nh, t, hs);
    dK = Nd4j.create(DataType.FLOAT, (long) b * nh, t, hs);
    dV = Nd4j.create(DataType.FLOAT, (long) b * nh, t, hs);
    flat = Nd4j.create(DataType.FLOAT, m, h);
    wQkv = Nd4j.randn(DataType.FLOAT, 3L * h, h);
    wQ = Nd4j.randn(DataType.FLOAT, h, h);
    wK = Nd4j.randn(DataType.FLOAT, h, h);
    wV = Nd4j.randn(DataType.FLOAT, h, h);
    qkv = Nd4j.create(DataType.FLOAT, m, 3L * h);
    qOut = Nd4j.create(DataType.FLOAT, m, h);
    kOut = Nd4j.create(DataType.FLOAT, m, h);
    vOut = Nd4j.create(DataType.FLOAT, m, h);
    dQkv = Nd4j.randn(DataType.FLOAT, m, 3L * h);
    dWQkv = Nd4j.create(DataType.FLOAT, 3L * h, h);
    dWQ = Nd4j.create(DataType.FLOAT, h, h);
    dY3 = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      dY3[i] = dQkv.get(NDArrayIndex.all(), NDArrayIndex.interval((long) i * h, (long) (i + 1) * h)).dup();
    }
    qFlat = Nd4j.randn(DataType.FLOAT, m, h);
    kFlat = Nd4j.randn(DataType.FLOAT, m, h);
    vFlat = Nd4j.randn(DataType.FLOAT, m, h);
    dQFlat = Nd4j.create(DataType.FLOAT, m, h);
    dKFlat = Nd4j.create(DataType.FLOAT, m, h);
    dVFlat = Nd4j.create(DataType.FLOAT, m, h);
    keep = new byte[b * nh * t * t];
  }

  // ---- GELU ---------------------------------------------------------------------------------------------------

  /** GELU(x) = 0.5·x·(1 + erf(x/√2)) from ND4J ops (allocating, several passes): what Kernels replaced. */
  @Benchmark
  public INDArray geluNd4j() {
    INDArray e = Nd4j.exec(new Erf(inter.div(SQRT2)));
    return e.addi(1.0).muli(inter).muli(0.5);
  }

  @Benchmark
  public INDArray geluForward() {
    Kernels.geluForward(Buf.of(inter), Buf.of(interOut), (int) inter.length(), false);
    return interOut;
  }

  @Benchmark
  public INDArray geluBackward() {
    Kernels.geluBackward(Buf.of(interGrad), Buf.of(inter), Buf.of(interOut), (int) inter.length(), false);
    return interOut;
  }

  // ---- residual + LayerNorm -------------------------------------------------------------------------------------

  /** Residual add + LayerNorm with ND4J ops (allocating add, then the LayerNorm custom op). */
  @Benchmark
  public INDArray residualLayerNormNd4j() {
    INDArray sum = hidden.add(residual);
    Nd4j.exec(new LayerNorm(sum, gamma, beta, lnOut, true, 1));
    return lnOut;
  }

  /** Ours: residual add and LayerNorm in one pass (the sum is written back, as backward needs it). */
  @Benchmark
  public INDArray residualLayerNormForward() {
    Kernels.addLayerNormForward(Buf.of(flat), Buf.of(residual), Buf.of(gamma), Buf.of(beta), Buf.of(lnOut), mean, rstd,
        m, h, LN_EPS);
    return lnOut;
  }

  @Benchmark
  public INDArray layerNormBackward() {
    Kernels.layerNormBackward(Buf.of(lnGrad), Buf.of(hidden), Buf.of(gamma), mean, rstd, Buf.of(lnDx), Buf.of(dGamma),
        Buf.of(dBeta), m, h);
    return lnDx;
  }

  // ---- softmax ------------------------------------------------------------------------------------------------

  /** Masked softmax with ND4J: broadcast add of the [B,1,1,T] mask (materialised), then SoftMax. */
  @Benchmark
  public INDArray maskedSoftmaxNd4j() {
    INDArray s4 = scores.reshape(b, nh, t, t);
    INDArray masked = s4.add(maskBias.broadcast(s4.shape()));
    return Nd4j.exec(new SoftMax(masked, masked, -1))[0];
  }

  /** Ours, in place (repeated application keeps the values bounded, so the timing is representative). */
  @Benchmark
  public INDArray maskedSoftmaxForward() {
    Kernels.maskedSoftmaxInPlace(Buf.of(scores), maskAdd, b, nh, t, 1.0 / Math.sqrt(hs));
    return scores;
  }

  @Benchmark
  public INDArray softmaxBackward() {
    Kernels.softmaxBackwardInPlace(Buf.of(scoreGrad), Buf.of(probs), b * nh * t, t, 1.0 / Math.sqrt(hs));
    return scoreGrad;
  }

  // ---- attention products ----------------------------------------------------------------------------------------

  /** What the encoder does: q·kᵀ and p·v as two batched matmuls over B·NH heads (softmax excluded). */
  @Benchmark
  public INDArray attentionBatchedForward() {
    Nd4j.matmul(q, k, scores, false, true, false);
    Nd4j.matmul(probs, v, ctx, false, false, false);
    return ctx;
  }

  /** The same two products as a loop of one gemm per (batch, head) on views. */
  @Benchmark
  public INDArray attentionPerHeadForward() {
    for (int i = 0; i < b * nh; i++) {
      INDArray qi = q.slice(i);
      Nd4j.gemm(qi, k.slice(i), scores.slice(i), false, true, 1.0, 0.0);
      Nd4j.gemm(probs.slice(i), v.slice(i), ctx.slice(i), false, false, 1.0, 0.0);
    }
    return ctx;
  }

  /** Backward of both products: dP = dCtx·vᵀ, dV = Pᵀ·dCtx, dQ = dS·k, dK = dSᵀ·q, batched (softmax excluded). */
  @Benchmark
  public INDArray attentionBatchedBackward() {
    Nd4j.matmul(dCtx, v, scoreGrad, false, true, false);
    Nd4j.matmul(probs, dCtx, dV, true, false, false);
    Nd4j.matmul(scoreGrad, k, dQ, false, false, false);
    Nd4j.matmul(scoreGrad, q, dK, true, false, false);
    return dK;
  }

  // ---- whole attention, fused vs unfused (what BertSelfAttention runs for float32 / with -Dfinbert.attention.fused=false)

  /** Unfused forward from [B·T, H] projections: three head splits, q·kᵀ, masked softmax, p·v, head merge. */
  @Benchmark
  public INDArray attentionUnfusedForward() {
    Kernels.splitHeads(Buf.of(qFlat), Buf.of(q), b, t, nh, hs);
    Kernels.splitHeads(Buf.of(kFlat), Buf.of(k), b, t, nh, hs);
    Kernels.splitHeads(Buf.of(vFlat), Buf.of(v), b, t, nh, hs);
    Nd4j.matmul(q, k, probs, false, true, false);
    Kernels.maskedSoftmaxInPlace(Buf.of(probs), maskAdd, b, nh, t, 1.0 / Math.sqrt(hs));
    Nd4j.matmul(probs, v, ctx, false, false, false);
    Kernels.mergeHeads(Buf.of(ctx), Buf.of(flat), b, t, nh, hs);
    return flat;
  }

  /** {@link AttentionKernels#forward} on the same projections (no dropout). */
  @Benchmark
  public INDArray attentionFusedForward() {
    AttentionKernels.forward(Buf.of(qFlat).floats(), Buf.of(kFlat).floats(), Buf.of(vFlat).floats(), maskAdd, b, t,
        nh, hs, (float) (1.0 / Math.sqrt(hs)), Buf.of(probs).floats(), null, 0, 0, Buf.of(flat).floats());
    return flat;
  }

  /** Fused forward in training mode: attention-probability dropout 0.1 drawn inside the kernel. */
  @Benchmark
  public INDArray attentionFusedForwardDropout() {
    AttentionKernels.forward(Buf.of(qFlat).floats(), Buf.of(kFlat).floats(), Buf.of(vFlat).floats(), maskAdd, b, t,
        nh, hs, (float) (1.0 / Math.sqrt(hs)), Buf.of(probs).floats(), keep, 0.1, 42, Buf.of(flat).floats());
    return flat;
  }

  /** Unfused backward (no dropout): head split of dCtx, four batched products, softmax backward, three merges. */
  @Benchmark
  public INDArray attentionUnfusedBackward() {
    Kernels.splitHeads(Buf.of(hidden), Buf.of(dCtx), b, t, nh, hs);
    Nd4j.matmul(dCtx, v, scoreGrad, false, true, false);
    Nd4j.matmul(probs, dCtx, dV, true, false, false);
    Kernels.softmaxBackwardInPlace(Buf.of(scoreGrad), Buf.of(probs), b * nh * t, t, 1.0 / Math.sqrt(hs));
    Nd4j.matmul(scoreGrad, k, dQ, false, false, false);
    Nd4j.matmul(scoreGrad, q, dK, true, false, false);
    Kernels.mergeHeads(Buf.of(dQ), Buf.of(dQFlat), b, t, nh, hs);
    Kernels.mergeHeads(Buf.of(dK), Buf.of(dKFlat), b, t, nh, hs);
    Kernels.mergeHeads(Buf.of(dV), Buf.of(dVFlat), b, t, nh, hs);
    return dVFlat;
  }

  /** {@link AttentionKernels#backward} on the same data (no dropout). */
  @Benchmark
  public INDArray attentionFusedBackward() {
    AttentionKernels.backward(Buf.of(hidden).floats(), Buf.of(qFlat).floats(), Buf.of(kFlat).floats(),
        Buf.of(vFlat).floats(), Buf.of(probs).floats(), null, 0, b, t, nh, hs, (float) (1.0 / Math.sqrt(hs)),
        Buf.of(dQFlat).floats(), Buf.of(dKFlat).floats(), Buf.of(dVFlat).floats());
    return dVFlat;
  }

  /** Head layout copies: [B·T, H] → [B·NH, T, HS] and back. */
  @Benchmark
  public INDArray splitAndMergeHeads() {
    Kernels.splitHeads(Buf.of(hidden), Buf.of(q), b, t, nh, hs);
    Kernels.mergeHeads(Buf.of(q), Buf.of(flat), b, t, nh, hs);
    return flat;
  }

  // ---- Q/K/V projection -----------------------------------------------------------------------------------------

  /** Q, K and V as one [B·T, H] × [H, 3H] gemm (what the int8 path does). */
  @Benchmark
  public INDArray qkvFusedForward() {
    Nd4j.gemm(hidden, wQkv, qkv, false, true, 1.0, 0.0);
    return qkv;
  }

  /** Q, K and V as three [B·T, H] × [H, H] gemms (what the float32 path does). */
  @Benchmark
  public INDArray qkvSeparateForward() {
    Nd4j.gemm(hidden, wQ, qOut, false, true, 1.0, 0.0);
    Nd4j.gemm(hidden, wK, kOut, false, true, 1.0, 0.0);
    Nd4j.gemm(hidden, wV, vOut, false, true, 1.0, 0.0);
    return vOut;
  }

  /** Fused backward: dW[3H, H] = dYᵀ·x and dX = dY·W in two gemms. */
  @Benchmark
  public INDArray qkvFusedBackward() {
    Nd4j.gemm(dQkv, hidden, dWQkv, true, false, 1.0, 1.0);
    Nd4j.gemm(dQkv, wQkv, flat, false, false, 1.0, 0.0);
    return flat;
  }

  /** Separate backward: per projection dW = dYᵀ·x and dX += dY·W (six gemms). */
  @Benchmark
  public INDArray qkvSeparateBackward() {
    INDArray[] w = {wQ, wK, wV};
    for (int i = 0; i < 3; i++) {
      Nd4j.gemm(dY3[i], hidden, dWQ, true, false, 1.0, 1.0);
      Nd4j.gemm(dY3[i], w[i], flat, false, false, 1.0, i == 0 ? 0.0 : 1.0);
    }
    return flat;
  }
}
