package io.finbert4j.core.nn;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Fused float32 self-attention, forward and backward, straight on the projections' flat layout
 * {@code [B·T, H]} (head h of token t is columns {@code h·HS .. h·HS+HS} of row t): scores, scale, additive
 * padding mask, softmax, dropout of the probabilities and the weighted sum of values in one pass per
 * (batch row, head), and the mirror image in backward. Compared with head-layout copies around batched
 * matmuls this saves the four layout copies of the forward and backward passes, the separate softmax and
 * dropout passes and the probability copy that dropout needed; the small products (T×T×HS per head) run in
 * vectorised Java loops, which at BERT's head size of 32–64 are as fast as the batched BLAS calls were
 * (those reached ~25 GFLOP/s here).
 *
 * <p>Every inner loop is an axpy over a contiguous row (length T or HS) so that C2 vectorises it; dot products
 * are avoided because float reductions don't vectorise under Java's strict evaluation order. Work is split by
 * batch row across the cores ({@link Kernels#forRanges}); each row's results are written by one thread only, and
 * dropout masks come from a stream per (batch row, head) ({@link Dropout#fillKeep}), so results do not depend on
 * the number of threads.
 *
 * <p>The probabilities before dropout, {@code probs [B·NH, T, T]}, are the cache for backward (as in the unfused
 * path); the dropped-out probabilities are recomputed from them and the keep mask.
 */
final class AttentionKernels {
  private AttentionKernels() {}

  /**
   * Forward. q, k, v, out: [B·T, H]; probs (out): [B·NH, T, T] softmax before dropout; keep (out, or null for no
   * dropout): [B·NH·T·T] filled from {@code dropSeed}.
   */
  static void forward(FloatBuffer q, FloatBuffer k, FloatBuffer v, double[][] maskAdd, int b, int t, int nh,
      int hs, float scale, FloatBuffer probs, byte[] keep, double dropP, long dropSeed, FloatBuffer out) {
    forward(q, k, v, false, maskAdd, b, t, nh, hs, scale, probs, keep, dropP, dropSeed, out);
  }

  /**
   * Forward from one fused projection qkv [B·T, 3H] (columns: query H, key H, value H; the int8 path's single
   * product), otherwise as {@link #forward(FloatBuffer, FloatBuffer, FloatBuffer, double[][], int, int, int, int,
   * float, FloatBuffer, byte[], double, long, FloatBuffer)}.
   */
  static void forwardFusedQkv(FloatBuffer qkv, double[][] maskAdd, int b, int t, int nh, int hs, float scale,
      FloatBuffer probs, byte[] keep, double dropP, long dropSeed, FloatBuffer out) {
    forward(qkv, null, null, true, maskAdd, b, t, nh, hs, scale, probs, keep, dropP, dropSeed, out);
  }

  private static void forward(FloatBuffer q, FloatBuffer k, FloatBuffer v, boolean fusedQkv, double[][] maskAdd,
      int b, int t, int nh, int hs, float scale, FloatBuffer probs, byte[] keep, double dropP, long dropSeed,
      FloatBuffer out) {
    final int h = nh * hs;
    final int rowLen = t * h;
    final int block = t * t;
    final float keepScale = (float) (1.0 / (1.0 - dropP));
    // scratch qb holds one batch row of q, k and v: three [T, H] blocks (stride H), or the fused [T, 3H] rows
    final int stride = fusedQkv ? 3 * h : h;
    final int kOff = fusedQkv ? h : rowLen;
    final int vOff = fusedQkv ? 2 * h : 2 * rowLen;
    Kernels.forRanges(b, Kernels.parts(b, 8L * b * rowLen), (part, b0, b1) -> {
      float[] qb = Kernels.scratch(0, 3 * rowLen);
      float[] ob = Kernels.scratch(1, rowLen);
      float[] s = Kernels.scratch(2, 2 * block + t);
      float[] kt = Kernels.scratch(3, hs * t);
      final int pdOff = block;
      final int mOff = 2 * block;
      for (int bi = b0; bi < b1; bi++) {
        if (fusedQkv) {
          q.get(bi * 3 * rowLen, qb, 0, 3 * rowLen);
        } else {
          q.get(bi * rowLen, qb, 0, rowLen);
          k.get(bi * rowLen, qb, kOff, rowLen);
          v.get(bi * rowLen, qb, vOff, rowLen);
        }
        for (int j = 0; j < t; j++) {
          s[mOff + j] = (float) maskAdd[bi][j];
        }
        for (int hi = 0; hi < nh; hi++) {
          int col = hi * hs;
          int bh = bi * nh + hi;
          // kᵀ of this head: kt[d·T + j] = k[j, col + d]
          for (int j = 0; j < t; j++) {
            int src = kOff + j * stride + col;
            for (int d = 0; d < hs; d++) {
              kt[d * t + j] = qb[src + d];
            }
          }
          for (int i = 0; i < t; i++) {
            int so = i * t;
            Arrays.fill(s, so, so + t, 0f);
            int qo = i * stride + col;
            for (int d = 0; d < hs; d++) {
              float a = qb[qo + d];
              int ko = d * t;
              for (int j = 0; j < t; j++) {
                s[so + j] += a * kt[ko + j];
              }
            }
            // scale, additive mask (0 or the float minimum, as HF), softmax
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < t; j++) {
              float x = s[so + j] * scale + s[mOff + j];
              s[so + j] = x;
              max = Math.max(max, x);
            }
            float sum = 0;
            for (int j = 0; j < t; j++) {
              float e = Kernels.expFloat(s[so + j] - max);
              s[so + j] = e;
              sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < t; j++) {
              s[so + j] *= inv;
            }
          }
          probs.put(bh * block, s, 0, block);
          float[] pd = s;
          int pdo = 0;
          if (keep != null) {
            Dropout.fillKeep(keep, bh * block, block, dropP, Dropout.streamSeed(dropSeed, bh));
            int ko = bh * block;
            for (int e = 0; e < block; e++) {
              s[pdOff + e] = keep[ko + e] != 0 ? s[e] * keepScale : 0f;
            }
            pdo = pdOff;
          }
          // context rows: out[i, col..col+HS) = Σ_j pd[i, j] · v[j, col..col+HS)
          for (int i = 0; i < t; i++) {
            int oo = i * h + col;
            Arrays.fill(ob, oo, oo + hs, 0f);
            int po = pdo + i * t;
            for (int j = 0; j < t; j++) {
              float a = pd[po + j];
              int vo = vOff + j * stride + col;
              for (int d = 0; d < hs; d++) {
                ob[oo + d] += a * qb[vo + d];
              }
            }
          }
        }
        out.put(bi * rowLen, ob, 0, rowLen);
      }
    });
  }

  /**
   * Backward. dOut: [B·T, H] gradient of the context; q, k, v, probs, keep: the forward's inputs and cache
   * (keep null: no dropout); dQ, dK, dV (out): [B·T, H] gradients of the projections (overwritten).
   */
  static void backward(FloatBuffer dOut, FloatBuffer q, FloatBuffer k, FloatBuffer v, FloatBuffer probs,
      byte[] keep, double dropP, int b, int t, int nh, int hs, float scale, FloatBuffer dQ, FloatBuffer dK,
      FloatBuffer dV) {
    final int h = nh * hs;
    final int rowLen = t * h;
    final int block = t * t;
    final float keepScale = (float) (1.0 / (1.0 - dropP));
    Kernels.forRanges(b, Kernels.parts(b, 16L * b * rowLen), (part, b0, b1) -> {
      float[] in = Kernels.scratch(0, 4 * rowLen); // dOut | q | k | v
      float[] grads = Kernels.scratch(1, 3 * rowLen); // dQ | dK | dV
      float[] pb = Kernels.scratch(2, 3 * block); // p | pd | dP
      float[] vt = Kernels.scratch(3, hs * t);
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
        Arrays.fill(grads, 0, 3 * rowLen, 0f);
        for (int hi = 0; hi < nh; hi++) {
          int col = hi * hs;
          int bh = bi * nh + hi;
          probs.get(bh * block, pb, 0, block);
          int pdo = 0;
          if (keep != null) {
            int ko = bh * block;
            for (int e = 0; e < block; e++) {
              pb[pdOff + e] = keep[ko + e] != 0 ? pb[e] * keepScale : 0f;
            }
            pdo = pdOff;
          }
          // vᵀ of this head
          for (int j = 0; j < t; j++) {
            int src = vOff + j * h + col;
            for (int d = 0; d < hs; d++) {
              vt[d * t + j] = in[src + d];
            }
          }
          for (int i = 0; i < t; i++) {
            int go = i * h + col; // row i of dOut (this head)
            int po = dpOff + i * t;
            // dPd[i, :] = Σ_d dOut[i, d] · vᵀ[d, :]
            Arrays.fill(pb, po, po + t, 0f);
            for (int d = 0; d < hs; d++) {
              float a = in[go + d];
              int vo = d * t;
              for (int j = 0; j < t; j++) {
                pb[po + j] += a * vt[vo + j];
              }
            }
            // dV[j, :] += pd[i, j] · dOut[i, :]
            int pr = pdo + i * t;
            for (int j = 0; j < t; j++) {
              float a = pb[pr + j];
              int dvo = dvOff + j * h + col;
              for (int d = 0; d < hs; d++) {
                grads[dvo + d] += a * in[go + d];
              }
            }
            // through dropout, then softmax: dS = scale · p ⊙ (dP − Σ dP·p)
            if (keep != null) {
              int ko = bh * block + i * t;
              for (int j = 0; j < t; j++) {
                pb[po + j] = keep[ko + j] != 0 ? pb[po + j] * keepScale : 0f;
              }
            }
            int p0 = i * t;
            float dot = 0;
            for (int j = 0; j < t; j++) {
              dot += pb[po + j] * pb[p0 + j];
            }
            for (int j = 0; j < t; j++) {
              pb[po + j] = scale * pb[p0 + j] * (pb[po + j] - dot);
            }
            // dQ[i, :] = Σ_j dS[i, j] · k[j, :];  dK[j, :] += dS[i, j] · q[i, :]
            int dqo = i * h + col;
            int qo = qOff + i * h + col;
            for (int j = 0; j < t; j++) {
              float a = pb[po + j];
              int ko = kOff + j * h + col;
              int dko = dkOff + j * h + col;
              for (int d = 0; d < hs; d++) {
                grads[dqo + d] += a * in[ko + d];
                grads[dko + d] += a * in[qo + d];
              }
            }
          }
        }
        dQ.put(bi * rowLen, grads, 0, rowLen);
        dK.put(bi * rowLen, grads, dkOff, rowLen);
        dV.put(bi * rowLen, grads, dvOff, rowLen);
      }
    });
  }
}
