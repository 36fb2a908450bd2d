package io.finbert4j.core.nn;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fused float32 self-attention, forward and backward, straight on the projections' flat layout
 * {@code [B·T, H]} (head h of token t is columns {@code h·HS .. h·HS+HS} of row t): scores, scale, additive
 * padding mask, softmax, dropout of the probabilities and the weighted sum of values in one pass per
 * (batch row, head), and the mirror image in backward. Compared with head-layout copies around batched
 * matmuls this saves the layout copies (four per layer forward, four backward), the separate softmax and dropout
 * passes and the probability copy that dropout needed.
 *
 * <p>The small products (T×T×HS per head) use the incubating Vector API ({@code jdk.incubator.vector}): every
 * product is written as rows that are linear combinations of other rows (a broadcast coefficient times a vector
 * loaded from a row, accumulated in a register), which is 6× faster here than the same loops left to C2's
 * auto-vectoriser (it does not vectorise loops as short as a head's 32–64 columns). The class is loaded only when
 * the JVM resolved that module ({@link VectorSupport#AVAILABLE}: {@code --add-modules jdk.incubator.vector}, which
 * {@code ./finbert}, the tests and the benchmarks pass); otherwise the unfused path runs.
 *
 * <p>Work is split by batch row across the cores ({@link Kernels#forRanges}); each row's results are written by one
 * thread only, and dropout masks come from a stream per (batch row, head) ({@link Dropout#fillKeep}), so results
 * do not depend on the number of threads. The probabilities before dropout, {@code probs [B·NH, T, T]}, are the
 * cache for backward (as in the unfused path); the dropped-out ones are recomputed from them and the keep mask.
 */
public final class AttentionKernels {
  private AttentionKernels() {}

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final int L = F.length();

  /**
   * Two rows at once, each a linear combination of r rows of src accumulated in registers:
   * dst[da + x] = Σ_k coef[ca + k·cStep] · src[s0 + k·sStride + x] and the same for (cb, db), x &lt; n, two vector
   * chunks of x per pass. (ca, da) = (cb, db) computes one row (both stores write the same values). Each loaded src vector feeds two FMAs and each broadcast coefficient
   * two, so the loop issues one load per FMA instead of two (the products are load-bound).
   */
  private static void combineRows2(float[] coef, int ca, int cb, int cStep, int r, float[] src, int s0, int sStride,
      int n, float[] dst, int da, int db) {
    int x = 0;
    for (; n - x >= 2 * L; x += 2 * L) { // two full chunks: no masks
      FloatVector a0 = FloatVector.zero(F);
      FloatVector a1 = FloatVector.zero(F);
      FloatVector b0 = FloatVector.zero(F);
      FloatVector b1 = FloatVector.zero(F);
      int so = s0 + x;
      int co = 0;
      for (int k = 0; k < r; k++, so += sStride, co += cStep) {
        FloatVector v0 = FloatVector.fromArray(F, src, so);
        FloatVector v1 = FloatVector.fromArray(F, src, so + L);
        FloatVector wa = FloatVector.broadcast(F, coef[ca + co]);
        FloatVector wb = FloatVector.broadcast(F, coef[cb + co]);
        a0 = v0.fma(wa, a0);
        a1 = v1.fma(wa, a1);
        b0 = v0.fma(wb, b0);
        b1 = v1.fma(wb, b1);
      }
      a0.intoArray(dst, da + x);
      a1.intoArray(dst, da + x + L);
      b0.intoArray(dst, db + x);
      b1.intoArray(dst, db + x + L);
    }
    for (; x < n; x += L) { // what is left: one chunk at a time, masked only when partial
      boolean full = n - x >= L;
      VectorMask<Float> m0 = F.indexInRange(x, n);
      FloatVector a0 = FloatVector.zero(F);
      FloatVector b0 = FloatVector.zero(F);
      int so = s0 + x;
      int co = 0;
      for (int k = 0; k < r; k++, so += sStride, co += cStep) {
        FloatVector v0 = full ? FloatVector.fromArray(F, src, so) : FloatVector.fromArray(F, src, so, m0);
        a0 = v0.fma(FloatVector.broadcast(F, coef[ca + co]), a0);
        b0 = v0.fma(FloatVector.broadcast(F, coef[cb + co]), b0);
      }
      if (full) {
        a0.intoArray(dst, da + x);
        b0.intoArray(dst, db + x);
      } else {
        a0.intoArray(dst, da + x, m0);
        b0.intoArray(dst, db + x, m0);
      }
    }
  }

  /**
   * {@link #combineRows2} for the rows {@code 0 .. count}, two at a time: row y uses coefficients from
   * {@code c0 + y·cRowStep} and writes {@code dst[d0 + y·dRowStep ..]}.
   */
  private static void combineAllRows(int count, float[] coef, int c0, int cRowStep, int cStep, int r, float[] src,
      int s0, int sStride, int n, float[] dst, int d0, int dRowStep) {
    int y = 0;
    for (; y + 1 < count; y += 2) {
      combineRows2(coef, c0 + y * cRowStep, c0 + (y + 1) * cRowStep, cStep, r, src, s0, sStride, n, dst,
          d0 + y * dRowStep, d0 + (y + 1) * dRowStep);
    }
    if (y < count) { // an odd last row
      int c = c0 + y * cRowStep;
      int d = d0 + y * dRowStep;
      combineRows2(coef, c, c, cStep, r, src, s0, sStride, n, dst, d, d);
    }
  }

  /** dst[j·dStride + d] = src[s0 + d + j·sStride] for j < t, d < hs: one head's rows, transposed. */
  private static void transposeHead(float[] src, int s0, int sStride, int t, int hs, float[] dst) {
    for (int j = 0; j < t; j++) {
      int so = s0 + j * sStride;
      for (int d = 0; d < hs; d++) {
        dst[d * t + j] = src[so + d];
      }
    }
  }

  /*
   * Reproducibility: the Vector API's cross-lane reductions and its EXP may round differently when C2 intrinsifies
   * them than in their Java fallback (which runs until the method is compiled), so results would depend on JIT
   * timing. Everything below uses lane-wise IEEE operations only (add, mul, fma, max, int conversions), sums lanes
   * in a fixed scalar order, and computes e^x with the same polynomial as the scalar Kernels.expFloat, bit for bit.
   */
  /** Lane-wise {@link Kernels#expFloat} (x ≤ 0): the same operations in the same order, so the same bits. */
  static FloatVector exp(FloatVector x) {
    FloatVector xc = x.max(Kernels.EXP_MIN);
    IntVector ki = (IntVector) xc.mul(Kernels.LOG2E).sub(0.5f).convert(VectorOperators.F2I, 0);
    FloatVector k = (FloatVector) ki.convert(VectorOperators.I2F, 0);
    FloatVector r = xc.sub(k.mul(Kernels.LN2_HI)).sub(k.mul(Kernels.LN2_LO));
    FloatVector p = FloatVector.broadcast(F, 1.0f / 720);
    p = p.mul(r).add(1.0f / 120);
    p = p.mul(r).add(1.0f / 24);
    p = p.mul(r).add(1.0f / 6);
    p = p.mul(r).add(0.5f);
    p = p.mul(r).add(1f);
    p = p.mul(r).add(1f);
    FloatVector pow2k = ki.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    FloatVector e = p.mul(pow2k);
    return e.blend(0f, x.compare(VectorOperators.LT, Kernels.EXP_MIN));
  }

  /** Σ of the lanes of v in lane order (deterministic, unlike reduceLanes(ADD)). */
  private static float sumLanes(FloatVector v, float[] tmp) {
    v.intoArray(tmp, 0);
    float s = 0;
    for (int i = 0; i < L; i++) {
      s += tmp[i];
    }
    return s;
  }

  // Full vector chunks use unmasked loads and stores (JDK 17 runs masked stores lane by lane); only the tail of a
  // row (t not a multiple of the vector length) is masked.

  /** In place over one row a[o .. o+t): softmax(a·scale + maskAdd). */
  private static void softmaxRow(float[] a, int o, int t, float scale, float[] maskAdd, int mo, float[] tmp) {
    int full = t - t % L;
    VectorMask<Float> tail = F.indexInRange(full, t);
    FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
    int j = 0;
    for (; j < full; j += L) {
      FloatVector x = FloatVector.fromArray(F, a, o + j).mul(scale).add(FloatVector.fromArray(F, maskAdd, mo + j));
      x.intoArray(a, o + j);
      vmax = vmax.max(x);
    }
    if (j < t) {
      FloatVector x = FloatVector.fromArray(F, a, o + j, tail).mul(scale)
          .add(FloatVector.fromArray(F, maskAdd, mo + j, tail));
      x.intoArray(a, o + j, tail);
      vmax = vmax.blend(vmax.max(x), tail);
    }
    FloatVector sub = FloatVector.broadcast(F, vmax.reduceLanes(VectorOperators.MAX)); // max: exact in any order
    FloatVector vsum = FloatVector.zero(F);
    for (j = 0; j < full; j += L) {
      FloatVector e = exp(FloatVector.fromArray(F, a, o + j).sub(sub));
      e.intoArray(a, o + j);
      vsum = vsum.add(e);
    }
    if (j < t) {
      FloatVector e = exp(FloatVector.fromArray(F, a, o + j, tail).sub(sub));
      e.intoArray(a, o + j, tail);
      vsum = vsum.add(e, tail);
    }
    float inv = 1f / sumLanes(vsum, tmp);
    for (j = 0; j < full; j += L) {
      FloatVector.fromArray(F, a, o + j).mul(inv).intoArray(a, o + j);
    }
    if (j < t) {
      FloatVector.fromArray(F, a, o + j, tail).mul(inv).intoArray(a, o + j, tail);
    }
  }

  /** In place over one row dP[o .. o+t) with probabilities p[po ..]: dS = scale · p ⊙ (dP − Σ dP·p). */
  private static void softmaxBackwardRow(float[] dp, int o, float[] p, int po, int t, float scale, float[] tmp) {
    int full = t - t % L;
    VectorMask<Float> tail = F.indexInRange(full, t);
    FloatVector vdot = FloatVector.zero(F);
    int j = 0;
    for (; j < full; j += L) {
      vdot = vdot.add(FloatVector.fromArray(F, dp, o + j).mul(FloatVector.fromArray(F, p, po + j)));
    }
    if (j < t) {
      vdot = vdot.add(FloatVector.fromArray(F, dp, o + j, tail).mul(FloatVector.fromArray(F, p, po + j, tail)), tail);
    }
    float dot = sumLanes(vdot, tmp);
    for (j = 0; j < full; j += L) {
      FloatVector pv = FloatVector.fromArray(F, p, po + j);
      FloatVector.fromArray(F, dp, o + j).sub(dot).mul(pv).mul(scale).intoArray(dp, o + j);
    }
    if (j < t) {
      FloatVector pv = FloatVector.fromArray(F, p, po + j, tail);
      FloatVector.fromArray(F, dp, o + j, tail).sub(dot).mul(pv).mul(scale).intoArray(dp, o + j, tail);
    }
  }

  /**
   * Forward. q, k, v, out: [B·T, H]; probs (out): [B·NH, T, T] softmax before dropout; keep (out, or null for no
   * dropout): [B·NH·T·T] filled from {@code dropSeed}.
   */
  public static void forward(FloatBuffer q, FloatBuffer k, FloatBuffer v, double[][] maskAdd, int b, int t, int nh,
      int hs, float scale, FloatBuffer probs, byte[] keep, double dropP, long dropSeed, FloatBuffer out) {
    forward(q, k, v, false, maskAdd, b, t, nh, hs, scale, probs, keep, dropP, dropSeed, out);
  }

  /**
   * Forward from one fused projection qkv [B·T, 3H] (columns: query H, key H, value H; the int8 path's single
   * product), otherwise as the separate-projection forward.
   */
  public static void forwardFusedQkv(FloatBuffer qkv, double[][] maskAdd, int b, int t, int nh, int hs,
      float scale, FloatBuffer probs, byte[] keep, double dropP, long dropSeed, FloatBuffer out) {
    forward(qkv, null, null, true, maskAdd, b, t, nh, hs, scale, probs, keep, dropP, dropSeed, out);
  }

  private static void forward(FloatBuffer q, FloatBuffer k, FloatBuffer v, boolean fusedQkv, double[][] maskAdd,
      int b, int t, int nh, int hs, float scale, FloatBuffer probs, byte[] keep, double dropP, long dropSeed,
      FloatBuffer out) {
    final int h = nh * hs;
    final int rowLen = t * h;
    final int block = t * t;
    final float keepScale = (float) (1.0 / (1.0 - dropP));
    // scratch in holds one batch row of q, k and v: three [T, H] blocks (row stride H), or the fused [T, 3H] rows
    final int stride = fusedQkv ? 3 * h : h;
    final int kOff = fusedQkv ? h : rowLen;
    final int vOff = fusedQkv ? 2 * h : 2 * rowLen;
    Kernels.forRanges(b, Kernels.parts(b, 8L * b * rowLen), (part, b0, b1) -> {
      float[] in = Kernels.scratch(0, 3 * rowLen);
      float[] ob = Kernels.scratch(1, rowLen);
      float[] s = Kernels.scratch(2, 2 * block + t); // probabilities | after dropout | mask row
      float[] kt = Kernels.scratch(3, hs * t);
      float[] tmp = new float[L];
      final int pdOff = block;
      final int mOff = 2 * block;
      for (int bi = b0; bi < b1; bi++) {
        if (fusedQkv) {
          q.get(bi * 3 * rowLen, in, 0, 3 * rowLen);
        } else {
          q.get(bi * rowLen, in, 0, rowLen);
          k.get(bi * rowLen, in, kOff, rowLen);
          v.get(bi * rowLen, in, vOff, rowLen);
        }
        for (int j = 0; j < t; j++) {
          s[mOff + j] = (float) maskAdd[bi][j]; // 0, or the float minimum for padding (as HF)
        }
        for (int hi = 0; hi < nh; hi++) {
          int col = hi * hs;
          int bh = bi * nh + hi;
          transposeHead(in, kOff + col, stride, t, hs, kt);
          // scores row i = Σ_d q[i, d] · kᵀ[d, :], then scale, mask, softmax
          combineAllRows(t, in, col, stride, 1, hs, kt, 0, t, t, s, 0, t);
          for (int i = 0; i < t; i++) {
            softmaxRow(s, i * t, t, scale, s, mOff, tmp);
          }
          probs.put(bh * block, s, 0, block);
          int pdo = 0;
          if (keep != null) {
            Dropout.fillKeep(keep, bh * block, block, dropP, Dropout.streamSeed(dropSeed, bh));
            Dropout.applyKeep(s, 0, keep, bh * block, keepScale, s, pdOff, block);
            pdo = pdOff;
          }
          // context row i (this head's columns) = Σ_j pd[i, j] · v[j, :]
          combineAllRows(t, s, pdo, t, 1, t, in, vOff + col, stride, hs, ob, col, h);
        }
        out.put(bi * rowLen, ob, 0, rowLen);
      }
    });
  }

  /**
   * Backward. dOut: [B·T, H] gradient of the context; q, k, v, probs, keep: the forward's inputs and cache
   * (keep null: no dropout); dQ, dK, dV (out): [B·T, H] gradients of the projections (overwritten).
   */
  public static void backward(FloatBuffer dOut, FloatBuffer q, FloatBuffer k, FloatBuffer v, FloatBuffer probs,
      byte[] keep, double dropP, int b, int t, int nh, int hs, float scale, FloatBuffer dQ, FloatBuffer dK,
      FloatBuffer dV) {
    final int h = nh * hs;
    final int rowLen = t * h;
    final int block = t * t;
    final float keepScale = (float) (1.0 / (1.0 - dropP));
    Kernels.forRanges(b, Kernels.parts(b, 16L * b * rowLen), (part, b0, b1) -> {
      float[] in = Kernels.scratch(0, 4 * rowLen); // dOut | q | k | v
      float[] grads = Kernels.scratch(1, 3 * rowLen); // dQ | dK | dV
      float[] pb = Kernels.scratch(2, 3 * block); // p | pd | dP → dS
      float[] vt = Kernels.scratch(3, hs * t);
      float[] tmp = new float[L];
      final int qOff = rowLen;
      final int kOff = 2 * rowLen;
      final int vOff = 3 * rowLen;
      final int dkOff = rowLen;
      final int dvOff = 2 * rowLen;
      final int pdOff = block;
      final int dpOff = 2 * block;
      for (int bi = b0; bi < b1; bi++) {
        dOut.get(bi * rowLen, in, 0, rowLen);
        q.get(bi * rowLen, in, qOff, rowLen);
        k.get(bi * rowLen, in, kOff, rowLen);
        v.get(bi * rowLen, in, vOff, rowLen);
        for (int hi = 0; hi < nh; hi++) {
          int col = hi * hs;
          int bh = bi * nh + hi;
          probs.get(bh * block, pb, 0, block);
          int pdo = 0;
          if (keep != null) {
            Dropout.applyKeep(pb, 0, keep, bh * block, keepScale, pb, pdOff, block);
            pdo = pdOff;
          }
          transposeHead(in, vOff + col, h, t, hs, vt);
          // dPd[i, :] = Σ_d dOut[i, d] · vᵀ[d, :]
          combineAllRows(t, in, col, h, 1, hs, vt, 0, t, t, pb, dpOff, t);
          if (keep != null) { // through dropout: dP = dPd ⊙ keep / (1 − p)
            Dropout.applyKeep(pb, dpOff, keep, bh * block, keepScale, pb, dpOff, block);
          }
          for (int i = 0; i < t; i++) {
            softmaxBackwardRow(pb, dpOff + i * t, pb, i * t, t, scale, tmp); // dS, in place
          }
          // dV[j, :] = Σ_i pd[i, j] · dOut[i, :];  dK[j, :] = Σ_i dS[i, j] · q[i, :]  (coefficients: columns)
          combineAllRows(t, pb, pdo, 1, t, t, in, col, h, hs, grads, dvOff + col, h);
          combineAllRows(t, pb, dpOff, 1, t, t, in, qOff + col, h, hs, grads, dkOff + col, h);
          // dQ[i, :] = Σ_j dS[i, j] · k[j, :]
          combineAllRows(t, pb, dpOff, t, 1, t, in, kOff + col, h, hs, grads, col, h);
        }
        dQ.put(bi * rowLen, grads, 0, rowLen);
        dK.put(bi * rowLen, grads, dkOff, rowLen);
        dV.put(bi * rowLen, grads, dvOff, rowLen);
      }
    });
  }
}
