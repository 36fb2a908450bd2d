package io.finbert4j.core.nn;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
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
  private static final float INV_SQRT2_F = (float) INV_SQRT2;
  private static final float INV_SQRT_2PI_F = (float) INV_SQRT_2PI;

  /*
   * FLOAT fast paths: each kernel copies contiguous runs (a row, or CHUNK elements) from the native
   * buffer into per-thread float[] scratch with one bulk absolute get, computes in plain float[]
   * loops that C2 auto-vectorises, and writes back with one bulk put. The per-element virtual
   * Buf.get/set with double conversion (kept for DOUBLE, i.e. gradient checks) cost ~10x more.
   */

  /** Elements per bulk transfer in the elementwise kernels: 32 KiB of floats, well inside L1/L2. */
  private static final int CHUNK = 8192;

  /*
   * The FLOAT fast paths split their rows (or chunks) across the cores when there is enough work: the
   * gemms use every core, and on a small machine the single-threaded remainder (softmax, GELU, LayerNorm,
   * head layout copies) was a fifth of a forward pass. Below PARALLEL_MIN_ELEMENTS a kernel stays on the
   * calling thread (forking costs tens of µs, which would hurt batch-1 latency). Each part writes disjoint
   * output ranges; reductions (LayerNorm's dGamma/dBeta, bias sums) keep a partial per part and add them
   * in part order, so results do not depend on thread timing. DOUBLE paths stay serial.
   */
  private static final int PARALLEL_MIN_ELEMENTS = 1 << 15;
  private static final int THREADS = Math.max(1,
      Integer.getInteger("finbert.kernel.threads", Runtime.getRuntime().availableProcessors()));

  /**
   * Parts a large kernel is split into at most: {@code -Dfinbert.kernel.threads}, read once when this class is first
   * used, else the available processors. Read-only; the spark module checks it against {@code spark.task.cpus}.
   */
  public static int threads() {
    return THREADS;
  }

  /** A kernel body over the item range [from, to) of part {@code part}. */
  @FunctionalInterface
  interface RangeBody {
    void run(int part, int from, int to);
  }

  /** Number of parts to split n items (of {@code elements} elements in all) into: 1 when small. */
  static int parts(int n, long elements) {
    return (int) Math.max(1, Math.min(Math.min(THREADS, n), elements / PARALLEL_MIN_ELEMENTS));
  }

  /** Runs body over [0, n) in {@code parts} contiguous ranges, on the common pool and the calling thread. */
  static void forRanges(int n, int parts, RangeBody body) {
    if (parts <= 1) {
      body.run(0, 0, n);
      return;
    }
    IntStream.range(0, parts).parallel()
        .forEach(p -> body.run(p, (int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
  }

  /** A row-range body that adds into its part's accumulators {@code acc[0 .. k)}. */
  @FunctionalInterface
  interface SummingBody {
    void run(double[][] acc, int from, int to);
  }

  /**
   * Runs body over the rows [0, rows) split as {@link #forRanges} splits them; each part adds into its own zeroed
   * copies of the accumulators {@code into}, which are then added into {@code into} in part order, so the sums do
   * not depend on thread timing. A single part adds into {@code into} directly.
   */
  static void forRangesSumming(int rows, long elements, double[][] into, SummingBody body) {
    int parts = parts(rows, elements);
    if (parts <= 1) {
      body.run(into, 0, rows);
      return;
    }
    double[][][] partial = new double[parts][into.length][];
    for (double[][] acc : partial) {
      for (int k = 0; k < into.length; k++) {
        acc[k] = new double[into[k].length];
      }
    }
    forRanges(rows, parts, (part, from, to) -> body.run(partial[part], from, to));
    for (double[][] acc : partial) {
      for (int k = 0; k < into.length; k++) {
        for (int c = 0; c < into[k].length; c++) {
          into[k][c] += acc[k][c];
        }
      }
    }
  }

  /** Scratch slots per thread; a kernel uses distinct slots for its operands and calls no other kernel. */
  private static final int SLOTS = 4;

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

  /** Per-thread scratch array of at least n floats (contents undefined). */
  static float[] scratch(int slot, int n) {
    float[][] s = SCRATCH.get();
    if (s[slot].length < n) {
      s[slot] = new float[n];
    }
    return s[slot];
  }

  /** The float storage of every argument, or null when any of them is not FLOAT. */
  private static boolean allFloat(Buf... bufs) {
    for (Buf b : bufs) {
      if (b.floats() == null) {
        return false;
      }
    }
    return true;
  }

  // ---- bias -------------------------------------------------------------------------------------

  /** out[r, c] = bias[c] for every row: pre-fills a gemm output so the gemm adds into it (beta = 1). */
  public static void fillRows(Buf out, Buf bias, int rows, int cols) {
    if (allFloat(out, bias)) {
      FloatBuffer o = out.floats();
      float[] row = scratch(0, cols);
      bias.floats().get(0, row, 0, cols);
      for (int r = 0; r < rows; r++) {
        o.put(r * cols, row, 0, cols);
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int o = r * cols;
      for (int c = 0; c < cols; c++) {
        out.set(o + c, bias.get(c));
      }
    }
  }

  /** dBias[c] += sum over rows of dOut[r, c] (double accumulators; float rows split across cores). */
  public static void addColumnSums(Buf dBias, Buf dOut, int rows, int cols) {
    double[] acc = new double[cols];
    if (dOut.floats() != null) {
      FloatBuffer d = dOut.floats();
      forRangesSumming(rows, (long) rows * cols, new double[][] {acc}, (sums, from, to) -> {
        double[] a = sums[0];
        float[] row = scratch(0, cols);
        for (int r = from; r < to; r++) {
          d.get(r * cols, row, 0, cols);
          for (int c = 0; c < cols; c++) {
            a[c] += row[c];
          }
        }
      });
      for (int c = 0; c < cols; c++) {
        dBias.add(c, acc[c]);
      }
      return;
    }
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
    if (allFloat(x, gamma, beta, y)) {
      addLayerNormForwardF(x.floats(), null, gamma.floats(), beta.floats(), y.floats(), mean, rstd, rows, cols, eps);
      return;
    }
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
   * Residual + LayerNorm in one pass (post-LN): x += residual (x keeps the sum, which backward needs),
   * then y = LayerNorm(x) as {@link #layerNormForward}.
   */
  public static void addLayerNormForward(Buf x, Buf residual, Buf gamma, Buf beta, Buf y, double[] mean,
      double[] rstd, int rows, int cols, double eps) {
    if (allFloat(x, residual, gamma, beta, y)) {
      addLayerNormForwardF(x.floats(), residual.floats(), gamma.floats(), beta.floats(), y.floats(), mean, rstd,
          rows, cols, eps);
      return;
    }
    addInto(x, residual, rows * cols);
    layerNormForward(x, gamma, beta, y, mean, rstd, rows, cols, eps);
  }

  /** Float path of the two LayerNorm forwards; residual may be null. Statistics accumulate in double. */
  private static void addLayerNormForwardF(FloatBuffer x, FloatBuffer residual, FloatBuffer gamma,
      FloatBuffer beta, FloatBuffer y, double[] mean, double[] rstd, int rows, int cols, double eps) {
    forRanges(rows, parts(rows, (long) rows * cols), (part, from, to) ->
        addLayerNormForwardRows(x, residual, gamma, beta, y, mean, rstd, from, to, cols, eps));
  }

  private static void addLayerNormForwardRows(FloatBuffer x, FloatBuffer residual, FloatBuffer gamma,
      FloatBuffer beta, FloatBuffer y, double[] mean, double[] rstd, int from, int to, int cols, double eps) {
    float[] xr = scratch(0, cols);
    float[] rr = scratch(1, cols);
    float[] g = scratch(2, cols);
    float[] bt = scratch(3, cols);
    gamma.get(0, g, 0, cols);
    beta.get(0, bt, 0, cols);
    for (int r = from; r < to; r++) {
      int o = r * cols;
      x.get(o, xr, 0, cols);
      if (residual != null) {
        residual.get(o, rr, 0, cols);
        for (int c = 0; c < cols; c++) {
          xr[c] += rr[c];
        }
        x.put(o, xr, 0, cols);
      }
      float sum = 0;
      for (int c = 0; c < cols; c++) {
        sum += xr[c];
      }
      float m = sum / cols;
      float var = 0;
      for (int c = 0; c < cols; c++) {
        float d = xr[c] - m;
        var += d * d;
      }
      float s = (float) (1.0 / Math.sqrt((double) var / cols + eps));
      mean[r] = m;
      rstd[r] = s;
      for (int c = 0; c < cols; c++) {
        rr[c] = (xr[c] - m) * s * g[c] + bt[c];
      }
      y.put(o, rr, 0, cols);
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
    if (allFloat(dY, x, gamma, dX)) {
      layerNormBackwardF(dY.floats(), x.floats(), gamma.floats(), mean, rstd, dX.floats(), dg, db, rows, cols);
      for (int c = 0; c < cols; c++) {
        dGamma.add(c, dg[c]);
        dBeta.add(c, db[c]);
      }
      return;
    }
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

  private static void layerNormBackwardF(FloatBuffer dY, FloatBuffer x, FloatBuffer gamma, double[] mean,
      double[] rstd, FloatBuffer dX, double[] dg, double[] db, int rows, int cols) {
    forRangesSumming(rows, (long) rows * cols, new double[][] {dg, db}, (sums, from, to) ->
        layerNormBackwardRows(dY, x, gamma, mean, rstd, dX, sums[0], sums[1], from, to, cols));
  }

  private static void layerNormBackwardRows(FloatBuffer dY, FloatBuffer x, FloatBuffer gamma, double[] mean,
      double[] rstd, FloatBuffer dX, double[] dg, double[] db, int from, int to, int cols) {
    float[] dyr = scratch(0, cols);
    float[] xh = scratch(1, cols);
    float[] g = scratch(2, cols);
    float[] dn = scratch(3, cols);
    gamma.get(0, g, 0, cols);
    for (int r = from; r < to; r++) {
      int o = r * cols;
      float m = (float) mean[r];
      float s = (float) rstd[r];
      dY.get(o, dyr, 0, cols);
      x.get(o, xh, 0, cols);
      float sumDn = 0;
      float sumDnXhat = 0;
      for (int c = 0; c < cols; c++) {
        float xhat = (xh[c] - m) * s;
        xh[c] = xhat;
        float d = dyr[c] * g[c];
        dn[c] = d;
        sumDn += d;
        sumDnXhat += d * xhat;
      }
      for (int c = 0; c < cols; c++) {
        dg[c] += dyr[c] * xh[c];
        db[c] += dyr[c];
      }
      sumDn /= cols;
      sumDnXhat /= cols;
      for (int c = 0; c < cols; c++) {
        dn[c] = (dn[c] - sumDn - xh[c] * sumDnXhat) * s;
      }
      dX.put(o, dn, 0, cols);
    }
  }

  /** a[i] += b[i]. */
  public static void addInto(Buf a, Buf b, int n) {
    if (allFloat(a, b)) {
      FloatBuffer fa = a.floats();
      FloatBuffer fb = b.floats();
      float[] x = scratch(0, CHUNK);
      float[] y = scratch(1, CHUNK);
      for (int off = 0; off < n; off += CHUNK) {
        int len = Math.min(CHUNK, n - off);
        fa.get(off, x, 0, len);
        fb.get(off, y, 0, len);
        for (int i = 0; i < len; i++) {
          x[i] += y[i];
        }
        fa.put(off, x, 0, len);
      }
      return;
    }
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

  // Float erf: the minimax rational approximation Eigen and XNNPACK use (odd polynomial over even
  // polynomial in x², argument clamped to [-4, 4] where erf is 1 to float precision). No exp, no
  // branch, so the loops vectorise. Max |error| vs commons-math3 Erf.erf checked in KernelsTest.
  private static final float ERF_CLAMP = 4f;
  private static final float ERF_A1 = -1.60960333262415e-02f;
  private static final float ERF_A3 = -2.95459980854025e-03f;
  private static final float ERF_A5 = -7.34990630326855e-04f;
  private static final float ERF_A7 = -5.69250639462346e-05f;
  private static final float ERF_A9 = -2.10102402082508e-06f;
  private static final float ERF_A11 = 2.77068142495902e-08f;
  private static final float ERF_A13 = -2.72614225801306e-10f;
  private static final float ERF_B0 = -1.42647390514189e-02f;
  private static final float ERF_B2 = -7.37332916720468e-03f;
  private static final float ERF_B4 = -1.68282697438203e-03f;
  private static final float ERF_B6 = -2.13374055278905e-04f;
  private static final float ERF_B8 = -1.45660718464996e-05f;

  /** Fast float erf (see the constants above). */
  static float erfFloat(float x) {
    float a = Math.max(-ERF_CLAMP, Math.min(ERF_CLAMP, x));
    float x2 = a * a;
    float p = x2 * ERF_A13 + ERF_A11;
    p = p * x2 + ERF_A9;
    p = p * x2 + ERF_A7;
    p = p * x2 + ERF_A5;
    p = p * x2 + ERF_A3;
    p = p * x2 + ERF_A1;
    p = p * a;
    float q = x2 * ERF_B8 + ERF_B6;
    q = q * x2 + ERF_B4;
    q = q * x2 + ERF_B2;
    q = q * x2 + ERF_B0;
    return p / q;
  }

  /** y = 0.5·x·(1 + erf(x/√2)); pre-activations x are kept by the caller for backward. */
  public static void geluForward(Buf x, Buf y, int n, boolean exact) {
    if (!exact && allFloat(x, y)) {
      FloatBuffer fx = x.floats();
      FloatBuffer fy = y.floats();
      int chunks = (n + CHUNK - 1) / CHUNK;
      forRanges(chunks, parts(chunks, n), (part, c0, c1) -> {
        float[] a = scratch(0, CHUNK);
        float[] o = scratch(1, CHUNK);
        for (int off = c0 * CHUNK; off < Math.min(n, c1 * CHUNK); off += CHUNK) {
          int len = Math.min(CHUNK, n - off);
          fx.get(off, a, 0, len);
          for (int i = 0; i < len; i++) {
            float v = a[i];
            o[i] = 0.5f * v * (1f + erfFloat(v * INV_SQRT2_F));
          }
          fy.put(off, o, 0, len);
        }
      });
      return;
    }
    for (int i = 0; i < n; i++) {
      double v = x.get(i);
      y.set(i, 0.5 * v * (1.0 + erf(v * INV_SQRT2, exact)));
    }
  }

  /** dX = dY · (Φ(x) + x·φ(x)). dX may alias dY. */
  public static void geluBackward(Buf dY, Buf x, Buf dX, int n, boolean exact) {
    if (!exact && allFloat(dY, x, dX)) {
      FloatBuffer fdy = dY.floats();
      FloatBuffer fx = x.floats();
      FloatBuffer fdx = dX.floats();
      int chunks = (n + CHUNK - 1) / CHUNK;
      forRanges(chunks, parts(chunks, n), (part, c0, c1) -> {
        float[] a = scratch(0, CHUNK);
        float[] d = scratch(1, CHUNK);
        float[] c = scratch(2, CHUNK);
        for (int off = c0 * CHUNK; off < Math.min(n, c1 * CHUNK); off += CHUNK) {
          int len = Math.min(CHUNK, n - off);
          fx.get(off, a, 0, len);
          fdy.get(off, d, 0, len);
          // two passes: C2 vectorises each, but not the fused body (measured ~10x slower)
          for (int i = 0; i < len; i++) {
            c[i] = 0.5f * (1f + erfFloat(a[i] * INV_SQRT2_F)); // Φ(x)
          }
          for (int i = 0; i < len; i++) {
            float v = a[i];
            d[i] *= c[i] + v * INV_SQRT_2PI_F * expNegSmall(-0.5f * v * v); // Φ(x) + x·φ(x)
          }
          fdx.put(off, d, 0, len);
        }
      });
      return;
    }
    for (int i = 0; i < n; i++) {
      double v = x.get(i);
      double cdf = 0.5 * (1.0 + erf(v * INV_SQRT2, exact));
      double pdf = INV_SQRT_2PI * Math.exp(-0.5 * v * v);
      dX.set(i, dY.get(i) * (cdf + v * pdf));
    }
  }

  // Float exp for x <= 0 (Gaussian density, softmax): x = k·ln2 + r with |r| <= ln2/2, e^r by a
  // degree-6 Taylor polynomial (relative error < 2e-7 over that range), 2^k built in the exponent
  // bits. Arguments below EXP_MIN (where e^x < 1e-38, i.e. float underflow) give 0.
  static final float LOG2E = 1.44269504088896341f;
  static final float LN2_HI = 0.693359375f;
  static final float LN2_LO = -2.12194440e-4f;
  static final float EXP_MIN = -87.0f;

  /** e^x for x <= 0 in float, vectorisable (no branches, no calls). */
  static float expFloat(float x) {
    float xc = Math.max(x, EXP_MIN);
    // round to nearest for xc <= 0: the int cast truncates toward zero, i.e. rounds (z − ½) up
    int ki = (int) (xc * LOG2E - 0.5f);
    float k = ki;
    float r = xc - k * LN2_HI - k * LN2_LO;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1f;
    p = p * r + 1f;
    float pow2k = Float.intBitsToFloat((ki + 127) << 23);
    float e = p * pow2k;
    return x < EXP_MIN ? 0f : e;
  }

  // Gaussian density for the GELU backward: e^y for y = −x²/2 clamped to [GAUSS_EXP_MIN, 0]. e^y =
  // (e^(y/64))^64: a degree-6 Taylor polynomial on y/64 ∈ [−0.28, 0], squared six times. Only
  // multiply-adds, so the loop vectorises (expFloat's int/bit conversions don't in C2 on JDK 17).
  // Relative error <= 1e-5 at the clamp, where x·φ(x) < 4e-8; absolute error of GELU' < 1e-6.
  private static final float GAUSS_EXP_MIN = -18f;
  private static final float GAUSS_EXP_SCALE = 1f / 64;

  /** e^y for y in [GAUSS_EXP_MIN, 0] (smaller y clamps), vectorisable. */
  static float expNegSmall(float y) {
    float z = Math.max(y, GAUSS_EXP_MIN) * GAUSS_EXP_SCALE;
    float p = 1.0f / 720;
    p = p * z + 1.0f / 120;
    p = p * z + 1.0f / 24;
    p = p * z + 1.0f / 6;
    p = p * z + 0.5f;
    p = p * z + 1f;
    p = p * z + 1f;
    p *= p; // ^2
    p *= p; // ^4
    p *= p; // ^8
    p *= p; // ^16
    p *= p; // ^32
    p *= p; // ^64
    return p;
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

  // ---- attention ---------------------------------------------------------------------------------

  /**
   * Splits a [B·T, H] projection into per-head blocks [B·NH, T, HS] (the layout batched matmul wants).
   */
  public static void splitHeads(Buf src, Buf dst, int b, int t, int nh, int hs) {
    int h = nh * hs;
    if (allFloat(src, dst)) {
      perBatchRowCopy(src, dst, b, t * h, (s, d, rows) -> copyToHeads(s, h, 0, d, rows, t, nh, hs));
      return;
    }
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

  /**
   * Splits a fused Q/K/V projection src [B·T, 3H] (columns: query H, key H, value H) into q, k, v in head layout
   * [B·NH, T, HS] each (float only: the fused projection exists on the int8 inference path).
   */
  public static void splitFusedHeads(Buf src, Buf q, Buf k, Buf v, int b, int t, int nh, int hs) {
    if (!allFloat(src, q, k, v)) {
      throw new IllegalArgumentException("splitFusedHeads needs FLOAT buffers");
    }
    int h = nh * hs;
    int per = t * h; // one batch row of one of q, k, v
    Buf[] dst = {q, k, v};
    forRanges(b, parts(b, 3L * b * per), (p, b0, b1) -> {
      int n = (b1 - b0) * per;
      float[] s = scratch(0, 3 * n);
      src.floats().get(3 * b0 * per, s, 0, 3 * n);
      for (int part = 0; part < 3; part++) {
        float[] d = scratch(1, n);
        copyToHeads(s, 3 * h, part * h, d, b1 - b0, t, nh, hs);
        dst[part].floats().put(b0 * per, d, 0, n);
      }
    });
  }

  /** A layout copy of {@code rows} whole batch rows from s to d (float scratch). */
  @FunctionalInterface
  private interface RowBlockCopy {
    void run(float[] s, float[] d, int rows);
  }

  /**
   * A layout change that keeps each batch row's {@code per} elements in place as a block (head split/merge): each
   * part bulk-reads its batch rows [b0, b1) into scratch, permutes them with {@code copy}, and bulk-writes them back.
   */
  private static void perBatchRowCopy(Buf src, Buf dst, int b, int per, RowBlockCopy copy) {
    forRanges(b, parts(b, (long) b * per), (part, b0, b1) -> {
      int n = (b1 - b0) * per;
      float[] s = scratch(0, n);
      float[] d = scratch(1, n);
      src.floats().get(b0 * per, s, 0, n);
      copy.run(s, d, b1 - b0);
      dst.floats().put(b0 * per, d, 0, n);
    });
  }

  /**
   * Copies the H columns starting at {@code colOffset} of each row of s (row length {@code rowStride}, rows b·T+t)
   * into head layout d [B·NH, T, HS].
   */
  private static void copyToHeads(float[] s, int rowStride, int colOffset, float[] d, int b, int t, int nh, int hs) {
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) {
        int so = (bi * t + ti) * rowStride + colOffset;
        for (int hi = 0; hi < nh; hi++) {
          System.arraycopy(s, so + hi * hs, d, ((bi * nh + hi) * t + ti) * hs, hs);
        }
      }
    }
  }

  /** Inverse of {@link #splitHeads}: [B·NH, T, HS] → [B·T, H]. */
  public static void mergeHeads(Buf src, Buf dst, int b, int t, int nh, int hs) {
    int h = nh * hs;
    if (allFloat(src, dst)) {
      perBatchRowCopy(src, dst, b, t * h, (s, d, rows) -> {
        for (int bi = 0; bi < rows; bi++) {
          for (int ti = 0; ti < t; ti++) {
            int d0 = (bi * t + ti) * h;
            for (int hi = 0; hi < nh; hi++) {
              System.arraycopy(s, ((bi * nh + hi) * t + ti) * hs, d, d0 + hi * hs, hs);
            }
          }
        }
      });
      return;
    }
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
    if (s.floats() != null) {
      FloatBuffer fs = s.floats();
      float sc = (float) scale;
      int block = t * t; // one (batch row, head)'s scores [T, T]
      int blocks = b * nh;
      forRanges(blocks, parts(blocks, (long) blocks * block), (part, from, to) -> {
        float[] a = scratch(0, block);
        float[] m = scratch(1, t);
        int maskRow = -1;
        for (int bh = from; bh < to; bh++) {
          int bi = bh / nh;
          if (bi != maskRow) {
            // additive mask as HF: 0 or the float minimum (scale·s + min rounds to min; an add, not a
            // select, so the loop vectorises — C2 on JDK 17 does not vectorise conditional moves)
            for (int k = 0; k < t; k++) {
              m[k] = (float) maskAdd[bi][k];
            }
            maskRow = bi;
          }
          fs.get(bh * block, a, 0, block);
          for (int o = 0; o < block; o += t) {
            for (int k = 0; k < t; k++) {
              a[o + k] = a[o + k] * sc + m[k];
            }
            float max = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < t; k++) {
              max = Math.max(max, a[o + k]);
            }
            float sum = 0;
            for (int k = 0; k < t; k++) { // scalar either way (expFloat's bit tricks), so sum here too
              float e = expFloat(a[o + k] - max);
              a[o + k] = e;
              sum += e;
            }
            float inv = 1f / sum;
            for (int k = 0; k < t; k++) {
              a[o + k] *= inv;
            }
          }
          fs.put(bh * block, a, 0, block);
        }
      });
      return;
    }
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
    if (allFloat(dP, p)) {
      FloatBuffer fd = dP.floats();
      FloatBuffer fp = p.floats();
      float sc = (float) scale;
      int rowsPerChunk = Math.max(1, CHUNK / t);
      int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
      forRanges(chunks, parts(chunks, (long) rows * t), (part, c0, c1) -> {
        float[] d = scratch(0, rowsPerChunk * t);
        float[] pa = scratch(1, rowsPerChunk * t);
        for (int r0 = c0 * rowsPerChunk; r0 < Math.min(rows, c1 * rowsPerChunk); r0 += rowsPerChunk) {
          int nr = Math.min(rowsPerChunk, rows - r0);
          int len = nr * t;
          fd.get(r0 * t, d, 0, len);
          fp.get(r0 * t, pa, 0, len);
          for (int o = 0; o < len; o += t) {
            float dot = 0;
            for (int k = 0; k < t; k++) {
              dot += d[o + k] * pa[o + k];
            }
            for (int k = 0; k < t; k++) {
              d[o + k] = sc * pa[o + k] * (d[o + k] - dot);
            }
          }
          fd.put(r0 * t, d, 0, len);
        }
      });
      return;
    }
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
