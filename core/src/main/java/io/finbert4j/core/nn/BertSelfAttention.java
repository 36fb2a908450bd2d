package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * HF {@code BertSelfAttention}: multi-head scaled dot-product attention with an additive padding mask
 * (0 for real keys, the dtype's most negative value for padding, added after scaling by 1/√HS) and
 * dropout on the attention probabilities. float32 runs the fused kernels of {@link AttentionKernels} on the
 * projections' own layout; otherwise (DOUBLE, or with the fused kernels switched off) the heads are copied into
 * head layout and the scores use one batched matmul over all B·NH heads.
 */
public final class BertSelfAttention {
  final Linear query;
  final Linear key;
  final Linear value;
  private final int nh;
  private final int hs;
  private final double scale;
  private final double dropout;

  /**
   * Fused float32 attention ({@link AttentionKernels}) instead of head-layout copies around batched matmuls: on when
   * the JVM has the Vector API module ({@link VectorSupport#AVAILABLE}) unless {@code -Dfinbert.attention.fused=false}
   * (for A/B measurements). DOUBLE (gradient checks) always takes the unfused path, which is thereby the fused
   * kernels' reference in the tests.
   */
  public static final boolean FUSED =
      VectorSupport.AVAILABLE && Boolean.parseBoolean(System.getProperty("finbert.attention.fused", "true"));

  /**
   * x [B·T, H]; probs [B·NH, T, T] before dropout; fused: q, k, v flat [B·T, H], probsDrop null; unfused: q, k, v
   * in head layout [B·NH, T, HS], probsDrop the probabilities after dropout (probs itself without dropout).
   */
  public record Cache(INDArray x, INDArray q, INDArray k, INDArray v, INDArray probs, INDArray probsDrop,
      Dropout.Mask dropMask, int b, int t, boolean fused) {}

  public BertSelfAttention(ParameterRegistry reg, String prefix, BertConfig cfg, int layer) {
    int h = cfg.hiddenSize();
    query = new Linear(reg, prefix + ".query", h, h, layer);
    key = new Linear(reg, prefix + ".key", h, h, layer);
    value = new Linear(reg, prefix + ".value", h, h, layer);
    nh = cfg.numAttentionHeads();
    hs = h / nh;
    scale = 1.0 / Math.sqrt(hs);
    dropout = cfg.attentionProbsDropoutProb();
  }

  /** x [B·T, H], maskAdd [B][T] → new context [B·T, H]. */
  public Fwd<Cache> forward(INDArray x, double[][] maskAdd, Mode mode) {
    int b = maskAdd.length;
    int t = maskAdd[0].length;
    Shapes.check("BertSelfAttention", x, (long) b * t, (long) nh * hs);
    INDArray q;
    INDArray k;
    INDArray v;
    Int8Kernels int8 = mode.int8();
    if (int8 != null && x.dataType() == DataType.FLOAT) {
      // one int8 product for all three projections: [B·T, H] → [B·T, 3H]
      long t0 = Profiler.start();
      INDArray qkv = Int8Kernels.forward(int8.fusedQkv(this), x);
      t0 = Profiler.lap("int8 gemm attention.self.qkv (fused)", t0, 2.0 * 3 * b * t * nh * hs * nh * hs);
      if (FUSED) { // the fused kernels read the [B·T, 3H] product as it is
        return forwardFused(x, qkv, null, null, maskAdd, mode);
      }
      q = Nd4j.createUninitialized(x.dataType(), (long) b * nh, t, hs);
      k = Nd4j.createUninitialized(x.dataType(), (long) b * nh, t, hs);
      v = Nd4j.createUninitialized(x.dataType(), (long) b * nh, t, hs);
      Kernels.splitFusedHeads(Buf.of(qkv), Buf.of(q), Buf.of(k), Buf.of(v), b, t, nh, hs);
      Profiler.stop("attention head split/merge", t0);
    } else {
      INDArray qFlat = query.forward(x, mode); // float32, or bf16 products in a bf16 inference mode
      INDArray kFlat = key.forward(x, mode);
      INDArray vFlat = value.forward(x, mode);
      if (FUSED && x.dataType() == DataType.FLOAT) {
        return forwardFused(x, qFlat, kFlat, vFlat, maskAdd, mode);
      }
      long t0 = Profiler.start();
      q = toHeads(qFlat, b, t);
      k = toHeads(kFlat, b, t);
      v = toHeads(vFlat, b, t);
      Profiler.stop("attention head split/merge", t0);
    }
    double productFlops = 2.0 * b * nh * t * t * hs; // each of q·kᵀ and p·v
    long t0 = Profiler.start();
    INDArray probs = Nd4j.createUninitialized(x.dataType(), (long) b * nh, t, t);
    Nd4j.matmul(q, k, probs, false, true, false); // raw scores q·kᵀ
    t0 = Profiler.lap("attention q·kᵀ", t0, productFlops);
    Kernels.maskedSoftmaxInPlace(Buf.of(probs), maskAdd, b, nh, t, scale);
    t0 = Profiler.lap("attention softmax", t0, 0);
    INDArray probsDrop = probs;
    Dropout.Mask mask = null;
    if (mode.training() && dropout > 0) {
      probsDrop = probs.dup();
      mask = Dropout.applyInPlace(probsDrop, dropout, mode, t * t); // a stream per (batch row, head), as fused
      t0 = Profiler.lap("dropout", t0, 0);
    }
    INDArray ctx = Nd4j.createUninitialized(x.dataType(), (long) b * nh, t, hs);
    Nd4j.matmul(probsDrop, v, ctx, false, false, false);
    t0 = Profiler.lap("attention p·v", t0, productFlops);
    INDArray out = Nd4j.createUninitialized(x.dataType(), (long) b * t, (long) nh * hs);
    Kernels.mergeHeads(Buf.of(ctx), Buf.of(out), b, t, nh, hs);
    Profiler.stop("attention head split/merge", t0);
    return new Fwd<>(out, new Cache(x, q, k, v, probs, probsDrop, mask, b, t, false));
  }

  /**
   * The fused kernels on flat projections: q, k, v [B·T, H], or (k == null) q holding the int8 path's fused
   * [B·T, 3H] product (eval only, so never backward).
   */
  private Fwd<Cache> forwardFused(INDArray x, INDArray q, INDArray k, INDArray v, double[][] maskAdd, Mode mode) {
    int b = maskAdd.length;
    int t = maskAdd[0].length;
    long t0 = Profiler.start();
    INDArray probs = Nd4j.createUninitialized(DataType.FLOAT, (long) b * nh, t, t);
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, (long) b * t, (long) nh * hs);
    boolean drop = mode.training() && dropout > 0;
    Dropout.Mask mask = drop ? new Dropout.Mask(new byte[Math.multiplyExact(b * nh, t * t)], 1.0 / (1.0 - dropout))
        : null;
    long seed = drop ? Dropout.siteSeed(mode) : 0;
    byte[] keep = drop ? mask.keep() : null;
    if (k == null) {
      AttentionKernels.forwardFusedQkv(Buf.of(q).floats(), maskAdd, b, t, nh, hs, (float) scale,
          Buf.of(probs).floats(), keep, dropout, seed, Buf.of(out).floats());
    } else {
      AttentionKernels.forward(Buf.of(q).floats(), Buf.of(k).floats(), Buf.of(v).floats(), maskAdd, b, t, nh, hs,
          (float) scale, Buf.of(probs).floats(), keep, dropout, seed, Buf.of(out).floats());
    }
    Profiler.stop("attention fused (products, softmax, dropout)", t0, 4.0 * b * nh * t * t * hs);
    return new Fwd<>(out, new Cache(x, q, k, v, probs, null, mask, b, t, true));
  }

  private INDArray backwardFused(Cache c, INDArray dOut) {
    int b = c.b();
    int t = c.t();
    long t0 = Profiler.start();
    INDArray dQ = Nd4j.createUninitialized(DataType.FLOAT, (long) b * t, (long) nh * hs);
    INDArray dK = Nd4j.createUninitialized(DataType.FLOAT, (long) b * t, (long) nh * hs);
    INDArray dV = Nd4j.createUninitialized(DataType.FLOAT, (long) b * t, (long) nh * hs);
    Dropout.Mask mask = c.dropMask();
    AttentionKernels.backward(Buf.of(dOut).floats(), Buf.of(c.q()).floats(), Buf.of(c.k()).floats(),
        Buf.of(c.v()).floats(), Buf.of(c.probs()).floats(), mask == null ? null : mask.keep(), dropout, b, t, nh,
        hs, (float) scale, Buf.of(dQ).floats(), Buf.of(dK).floats(), Buf.of(dV).floats());
    Profiler.stop("attention fused bwd", t0, 8.0 * b * nh * t * t * hs);
    return projectionsBackward(c.x(), dQ, dK, dV);
  }

  /** The three projections' backward, in reverse order of forward (value, key, query): returns dX [B·T, H]. */
  private INDArray projectionsBackward(INDArray x, INDArray dQ, INDArray dK, INDArray dV) {
    INDArray dX = value.backward(x, dV);
    key.backwardAccumulate(x, dK, dX);
    query.backwardAccumulate(x, dQ, dX);
    return dX;
  }

  /** dOut [B·T, H] → new dX [B·T, H]; accumulates q/k/v gradients. */
  public INDArray backward(Cache c, INDArray dOut) {
    if (c.fused()) {
      return backwardFused(c, dOut);
    }
    int b = c.b();
    int t = c.t();
    double productFlops = 2.0 * b * nh * t * t * hs;
    long t0 = Profiler.start();
    INDArray dCtx = toHeads(dOut, b, t);
    t0 = Profiler.lap("attention head split/merge", t0, 0);
    INDArray dProbs = Nd4j.createUninitialized(dOut.dataType(), (long) b * nh, t, t);
    Nd4j.matmul(dCtx, c.v(), dProbs, false, true, false); // dP = dCtx·vᵀ
    INDArray dV = Nd4j.createUninitialized(dOut.dataType(), (long) b * nh, t, hs);
    Nd4j.matmul(c.probsDrop(), dCtx, dV, true, false, false); // dV = Pᵀ·dCtx
    t0 = Profiler.lap("attention bwd products", t0, 2 * productFlops);
    Dropout.backwardInPlace(dProbs, c.dropMask());
    Kernels.softmaxBackwardInPlace(Buf.of(dProbs), Buf.of(c.probs()), b * nh * t, t, scale);
    t0 = Profiler.lap("attention bwd softmax (+dropout)", t0, 0);
    INDArray dQ = Nd4j.createUninitialized(dOut.dataType(), (long) b * nh, t, hs);
    Nd4j.matmul(dProbs, c.k(), dQ, false, false, false); // dQ = dS·k
    INDArray dK = Nd4j.createUninitialized(dOut.dataType(), (long) b * nh, t, hs);
    Nd4j.matmul(dProbs, c.q(), dK, true, false, false); // dK = dSᵀ·q
    t0 = Profiler.lap("attention bwd products", t0, 2 * productFlops);
    INDArray dVFlat = fromHeads(dV, b, t);
    INDArray dKFlat = fromHeads(dK, b, t);
    INDArray dQFlat = fromHeads(dQ, b, t);
    Profiler.stop("attention head split/merge", t0);
    return projectionsBackward(c.x(), dQFlat, dKFlat, dVFlat);
  }

  private INDArray toHeads(INDArray flat, int b, int t) {
    INDArray heads = Nd4j.createUninitialized(flat.dataType(), (long) b * nh, t, hs);
    Kernels.splitHeads(Buf.of(flat), Buf.of(heads), b, t, nh, hs);
    return heads;
  }

  private INDArray fromHeads(INDArray heads, int b, int t) {
    INDArray flat = Nd4j.createUninitialized(heads.dataType(), (long) b * t, (long) nh * hs);
    Kernels.mergeHeads(Buf.of(heads), Buf.of(flat), b, t, nh, hs);
    return flat;
  }
}
