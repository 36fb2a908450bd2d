package io.finbert4j.core.nn;

import org.apache.commons.math3.special.Erf;

/**
 * Hand-written elementwise kernels over {@link Buf}s, fused so that a layer issues a handful of JNI
 * calls (the gemms) instead of one ND4J op per elementwise step (about 9 µs each here, and ND4J's
 * elementwise ops are slow on this CPU). Each forward kernel has its backward beside it, llm.c style.
 * Row-major 2-D data is addressed as {@code row * cols + col}.
 */
public final class Kernels {
  private Kernels() {}

  private static final double INV_SQRT2 = 0.7071067811865476;
  private static final double INV_SQRT_2PI = 0.3989422804014327;

  // ---- bias -------------------------------------------------------------------------------------

  /** out[r, c] = bias[c] for every row: pre-fills a gemm output so the gemm adds into it (beta = 1). */
  public static void fillRows(Buf out, Buf bias, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int c = 0; c < cols; c++) {
        out.set(o + c, bias.get(c));
      }
    }
  }

  /** dBias[c] += sum over rows of dOut[r, c]. */
  public static void addColumnSums(Buf dBias, Buf dOut, int rows, int cols) {
    double[] acc = new double[cols];
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int c = 0; c < cols; c++) {
        acc[c] += dOut.get(o + c);
      }
    }
    for (int c = 0; c < cols; c++) {
      dBias.add(c, acc[c]);
    }
  }

  // ---- residual + LayerNorm (post-LN) -----------------------------------------------------------

  /**
   * y = LayerNorm(x) with biased variance; x is overwritten by nothing. Stores per-row mean and
   * reciprocal standard deviation for the backward pass.
   */
  public static void layerNormForward(
      Buf x, Buf gamma, Buf beta, Buf y, double[] mean, double[] rstd, int rows, int cols, double eps) {
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      double m = 0;
      for (int c = 0; c < cols; c++) {
        m += x.get(o + c);
      }
      m /= cols;
      double v = 0;
      for (int c = 0; c < cols; c++) {
        double d = x.get(o + c) - m;
        v += d * d;
      }
      v /= cols;
      double s = 1.0 / Math.sqrt(v + eps);
      mean[r] = m;
      rstd[r] = s;
      for (int c = 0; c < cols; c++) {
        y.set(o + c, (x.get(o + c) - m) * s * gamma.get(c) + beta.get(c));
      }
    }
  }

  /**
   * Backward of {@link #layerNormForward}: writes dX (overwrites), accumulates dGamma and dBeta.
   * dX may alias nothing else.
   */
  public static void layerNormBackward(
      Buf dY, Buf x, Buf gamma, double[] mean, double[] rstd, Buf dX, Buf dGamma, Buf dBeta,
      int rows, int cols) {
    double[] dg = new double[cols];
    double[] db = new double[cols];
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      double m = mean[r];
      double s = rstd[r];
      double sumDn = 0;
      double sumDnXhat = 0;
      for (int c = 0; c < cols; c++) {
        double xhat = (x.get(o + c) - m) * s;
        double dy = dY.get(o + c);
        double dn = dy * gamma.get(c);
        sumDn += dn;
        sumDnXhat += dn * xhat;
        dg[c] += dy * xhat;
        db[c] += dy;
      }
      sumDn /= cols;
      sumDnXhat /= cols;
      for (int c = 0; c < cols; c++) {
        double xhat = (x.get(o + c) - m) * s;
        double dn = dY.get(o + c) * gamma.get(c);
        dX.set(o + c, (dn - sumDn - xhat * sumDnXhat) * s);
      }
    }
    for (int c = 0; c < cols; c++) {
      dGamma.add(c, dg[c]);
      dBeta.add(c, db[c]);
    }
  }

  /** a[i] += b[i]. */
  public static void addInto(Buf a, Buf b, int n) {
    for (int i = 0; i < n; i++) {
      a.set(i, a.get(i) + b.get(i));
    }
  }

  // ---- GELU (exact erf form) ---------------------------------------------------------------------

  /**
   * erf with the accuracy the data type needs: commons-math3's (about 1e-15) for DOUBLE, so that
   * gradient checks in double see the exact function; for FLOAT a rational approximation whose
   * absolute error (below 1.5e-7) is under float32 resolution of GELU's output.
   */
  static double erf(double x, boolean exact) {
    if (exact) {
      return Erf.erf(x);
    }
    // Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7.
    double ax = Math.abs(x);
    double t = 1.0 / (1.0 + 0.3275911 * ax);
    double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
    double y = 1.0 - poly * Math.exp(-ax * ax);
    return x >= 0 ? y : -y;
  }

  /** y = 0.5·x·(1 + erf(x/√2)); pre-activations x are kept by the caller for backward. */
  public static void geluForward(Buf x, Buf y, int n, boolean exact) {
    for (int i = 0; i < n; i++) {
      double v = x.get(i);
      y.set(i, 0.5 * v * (1.0 + erf(v * INV_SQRT2, exact)));
    }
  }

  /** dX = dY · (Φ(x) + x·φ(x)). dX may alias dY. */
  public static void geluBackward(Buf dY, Buf x, Buf dX, int n, boolean exact) {
    for (int i = 0; i < n; i++) {
      double v = x.get(i);
      double cdf = 0.5 * (1.0 + erf(v * INV_SQRT2, exact));
      double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      dX.set(i, dY.get(i) * (cdf + v * pdf));
    }
  }

  // ---- tanh (pooler) -----------------------------------------------------------------------------

  public static void tanhForwardInPlace(Buf x, int n) {
    for (int i = 0; i < n; i++) {
      x.set(i, Math.tanh(x.get(i)));
    }
  }

  /** dX = dY · (1 − y²) where y = tanh output. dX may alias dY. */
  public static void tanhBackward(Buf dY, Buf y, Buf dX, int n) {
    for (int i = 0; i < n; i++) {
      double t = y.get(i);
      dX.set(i, dY.get(i) * (1.0 - t * t));
    }
  }

  // ---- dropout -----------------------------------------------------------------------------------

  /** x[i] *= mask[i] (mask holds 0 or 1/(1−p)); the same call is its own backward on dY. */
  public static void mulInPlace(Buf x, Buf mask, int n) {
    for (int i = 0; i < n; i++) {
      x.set(i, x.get(i) * mask.get(i));
    }
  }

  // ---- attention ---------------------------------------------------------------------------------

  /**
   * Splits a [B·T, H] projection into per-head blocks [B·NH, T, HS] (the layout batched matmul wants).
   */
  public static void splitHeads(Buf src, Buf dst, int b, int t, int nh, int hs) {
    int h = nh * hs;
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) {
        int so = (bi * t + ti) * h;
        for (int hi = 0; hi < nh; hi++) {
          int d0 = ((bi * nh + hi) * t + ti) * hs;
          int s0 = so + hi * hs;
          for (int d = 0; d < hs; d++) {
            dst.set(d0 + d, src.get(s0 + d));
          }
        }
      }
    }
  }

  /** Inverse of {@link #splitHeads}: [B·NH, T, HS] → [B·T, H]. */
  public static void mergeHeads(Buf src, Buf dst, int b, int t, int nh, int hs) {
    int h = nh * hs;
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) {
        int d0 = (bi * t + ti) * h;
        for (int hi = 0; hi < nh; hi++) {
          int s0 = ((bi * nh + hi) * t + ti) * hs;
          int o = d0 + hi * hs;
          for (int d = 0; d < hs; d++) {
            dst.set(o + d, src.get(s0 + d));
          }
        }
      }
    }
  }

  /**
   * In place over raw scores [B·NH, T, T]: p = softmax_j(scale·s + maskAdd[b, j]) where maskAdd is
   * 0 for real keys and the dtype's most negative value for padding (as HF does).
   */
  public static void maskedSoftmaxInPlace(Buf s, double[][] maskAdd, int b, int nh, int t, double scale) {
    for (int bi = 0; bi < b; bi++) {
      double[] madd = maskAdd[bi];
      for (int hi = 0; hi < nh; hi++) {
        for (int q = 0; q < t; q++) {
          int o = ((bi * nh + hi) * t + q) * t;
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < t; k++) {
            double v = s.get(o + k) * scale + madd[k];
            s.set(o + k, v);
            if (v > max) {
              max = v;
            }
          }
          double sum = 0;
          for (int k = 0; k < t; k++) {
            double e = Math.exp(s.get(o + k) - max);
            s.set(o + k, e);
            sum += e;
          }
          double inv = 1.0 / sum;
          for (int k = 0; k < t; k++) {
            s.set(o + k, s.get(o + k) * inv);
          }
        }
      }
    }
  }

  /**
   * Backward of softmax(scale·s + mask) w.r.t. the raw scores s, in place over dP:
   * dS = scale · p ⊙ (dP − Σ_k dP·p). The mask is a constant and gets no gradient.
   */
  public static void softmaxBackwardInPlace(Buf dP, Buf p, int rows, int t, double scale) {
    for (int r = 0; r < rows; r++) {
      int o = r * t;
      double dot = 0;
      for (int k = 0; k < t; k++) {
        dot += dP.get(o + k) * p.get(o + k);
      }
      for (int k = 0; k < t; k++) {
        dP.set(o + k, scale * p.get(o + k) * (dP.get(o + k) - dot));
      }
    }
  }
}
