package io.finbert4j.core.quant;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import io.finbert4j.core.dense.OneDnnInt8;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An {@code nn.Linear} ({@code y = x·Wᵀ + b}) evaluated in int8: weights quantized once, per output channel,
 * symmetric ({@code W[o,:] ≈ sw[o]·Wq[o,:]}, Wq ∈ [-127, 127], or [-63, 63] without VNNI/AMX: {@link #WEIGHT_QMAX}); activations quantized dynamically on every call,
 * per row (per token) or per tensor ({@code x[m,:] ≈ sx[m]·Xq[m,:]}); the product {@code Xq·Wqᵀ} runs as an exact
 * int8 × int8 → int32 sum in oneDNN 3 ({@link OneDnnInt8}: VNNI / AMX kernels where the CPU has them, AVX2
 * elsewhere) and is written as float32 straight into the caller's output, then one Java pass rescales
 * {@code y[m,o] = acc·sx[m]·sw[o] + b[o]}.
 *
 * <p>Shape legend: M = rows (B·T), IN = in features, OUT = out features.
 *
 * <p>Signed × signed is used deliberately: measured on an Intel Xeon with AMX (oneDNN 3.11) s8×s8 runs at the
 * speed of u8×s8 (860–2314 vs 867–2138 GOP/s at BERT's shapes), so no zero points are needed.
 *
 * <p>Only usable when {@link Int8Support#available()}; {@link Linear#create} picks this or float32.
 * Instances are immutable and {@link #forward} is thread-safe (temporaries are per call).
 */
public final class QuantizedLinear implements Linear {
  /** Largest magnitude of a symmetric int8 code (-128 is left unused so that the range is symmetric). */
  static final int QMAX = 127;
  /**
   * Largest magnitude of a weight code: 127 where the CPU has int8 dot-product instructions (VNNI, AMX), else 63.
   * Without them oneDNN's AVX2 kernel multiplies with {@code vpmaddubsw}, which adds two u8·s8 products into a
   * saturating int16: 255·127·2 overflows it (measured here, AMD Zen 2: sums off by ~1 %), 255·63·2 = 32130 does
   * not, so 7-bit weights keep the product exact (ONNX Runtime's "reduce_range" on such CPUs does the same).
   */
  static final int WEIGHT_QMAX = Int8Support.cpuHasInt8Dot() ? QMAX : 63;
  /** Rows per parallel task in the Java quantize / rescale passes. */
  private static final int ROW_CHUNK = 64;
  /** Java-side passes in parallel (common pool); -Dfinbert.quant.parallel=false for one thread. */
  private static final boolean PARALLEL =
      Boolean.parseBoolean(System.getProperty("finbert.quant.parallel", "true"));

  /** How activation scales are chosen. */
  public enum ActivationScaling {
    /** One scale per row of x (per token): smaller error, same speed. The default. */
    PER_ROW,
    /** One scale for the whole x. */
    PER_TENSOR
  }

  private final int in;
  private final int out;
  private final INDArray weightQ; // [IN, OUT] int8: the matmul's {K, N}, row-major
  private final float[] weightScale; // [OUT]
  private final float[] bias; // [OUT] or null
  private final ActivationScaling scaling;

  private QuantizedLinear(int in, int out, INDArray weightQ, float[] weightScale, float[] bias,
      ActivationScaling scaling) {
    this.in = in;
    this.out = out;
    this.weightQ = weightQ;
    this.weightScale = weightScale;
    this.bias = bias;
    this.scaling = scaling;
  }

  /**
   * Quantizes an {@code nn.Linear} weight.
   *
   * @param weight [OUT, IN] float (HF layout)
   * @param bias [OUT] (or [1, OUT]) float, or null
   */
  public static QuantizedLinear quantize(INDArray weight, INDArray bias, ActivationScaling scaling) {
    if (weight.rank() != 2) {
      throw new IllegalArgumentException("QuantizedLinear weight must be [out, in], got "
          + java.util.Arrays.toString(weight.shape()));
    }
    int out = (int) weight.rows();
    int in = (int) weight.columns();
    float[] w = weight.castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] b = null;
    if (bias != null) {
      if (bias.length() != out) {
        throw new IllegalArgumentException("QuantizedLinear bias must have " + out + " elements (weight "
            + java.util.Arrays.toString(weight.shape()) + "), got " + java.util.Arrays.toString(bias.shape()));
      }
      b = bias.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
    return quantize(w, out, in, b, scaling);
  }

  /** As {@link #quantize(INDArray, INDArray, ActivationScaling)} from a row-major [OUT, IN] float array. */
  public static QuantizedLinear quantize(float[] weight, int out, int in, float[] bias, ActivationScaling scaling) {
    if (weight.length != (long) out * in) {
      throw new IllegalArgumentException("QuantizedLinear weight has " + weight.length + " values, expected "
          + out + "x" + in);
    }
    float[] scale = new float[out];
    byte[] q = new byte[in * out]; // [IN, OUT]
    for (int o = 0; o < out; o++) {
      float amax = 0f;
      for (int i = 0; i < in; i++) {
        amax = Math.max(amax, Math.abs(weight[o * in + i]));
      }
      float s = amax > 0f ? amax / WEIGHT_QMAX : 1f;
      scale[o] = s;
      float inv = 1f / s;
      for (int i = 0; i < in; i++) {
        q[i * out + o] = (byte) clampRound(weight[o * in + i] * inv);
      }
    }
    INDArray wq;
    try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      wq = Int8Buffers.int8Matrix(q, in, out);
    }
    return new QuantizedLinear(in, out, wq, scale, bias == null ? null : bias.clone(), scaling);
  }

  @Override
  public int inFeatures() {
    return in;
  }

  @Override
  public int outFeatures() {
    return out;
  }

  /** The quantized weight, [IN, OUT] int8 (shared, do not modify). */
  public INDArray weightInt8() {
    return weightQ;
  }

  /** Per-output-channel weight scales, [OUT] (a copy). */
  public float[] weightScales() {
    return weightScale.clone();
  }

  @Override
  public String kind() {
    return "int8 (per-channel weights, dynamic " + scaling.name().toLowerCase(java.util.Locale.ROOT)
        + " activations)";
  }

  /**
   * Writes {@code out = x·Wᵀ + b} (the bias given at construction) into {@code out}.
   *
   * @param x [M, IN] float, dense row-major
   * @param out [M, OUT] float, dense row-major (overwritten)
   */
  @Override
  public void forward(INDArray x, INDArray out) {
    forward(x, out, bias);
  }

  /** As {@link #forward(INDArray, INDArray)} with an explicit bias ([OUT] float, or null for none). */
  public void forward(INDArray x, INDArray out, float[] bias) {
    int m = (int) x.rows();
    Int8Buffers.requireDense(x, DataType.FLOAT, m, in, "QuantizedLinear input x");
    Int8Buffers.requireDense(out, DataType.FLOAT, m, this.out, "QuantizedLinear output");
    if (bias != null && bias.length != this.out) {
      throw new IllegalArgumentException("QuantizedLinear bias has " + bias.length + " values, expected "
          + this.out);
    }
    INDArray xq = scratchInt8(m, in);
    float[] rowScale = quantizeActivations(x, xq, scaling);
    // exact int32 sums inside oneDNN, converted to float on store (|sum| ≤ 127²·IN, rounding ≤ 2⁻²⁴ relative)
    OneDnnInt8.matmul(xq, weightQ, out);
    rescale(out, rowScale, weightScale, bias);
  }

  /**
   * Per-thread int8 scratch for the quantized activations, grown on demand and kept (outside any ND4J workspace):
   * a fresh multi-MB allocation per call costs page faults comparable to the int8 product itself. Bounded by the
   * largest [M, IN] a thread uses (e.g. 32·128·3072 bytes = 12 MiB for BERT-base's output Linear at 32×128).
   */
  private static final ThreadLocal<INDArray[]> SCRATCH = ThreadLocal.withInitial(() -> new INDArray[1]);

  private static INDArray scratchInt8(int rows, int cols) {
    INDArray[] holder = SCRATCH.get();
    long need = (long) rows * cols;
    if (holder[0] == null || holder[0].length() < need) {
      try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        holder[0] = Nd4j.createUninitialized(DataType.INT8, need);
      }
    }
    if (holder[0].length() == need) {
      return holder[0].reshape('c', rows, cols);
    }
    return holder[0].get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, need)).reshape('c', rows, cols);
  }

  /**
   * Quantizes x [M, IN] into xq [M, IN] int8 and returns the scale of each row (all equal for PER_TENSOR).
   * Codes are {@code round(x / s)} with {@code s = max|x| / 127} (1 for an all-zero row), so |code| ≤ 127
   * without clamping.
   */
  static float[] quantizeActivations(INDArray x, INDArray xq, ActivationScaling scaling) {
    int m = (int) x.rows();
    int k = (int) x.columns();
    FloatBuffer src = Int8Buffers.floats(x);
    ByteBuffer dst = Int8Buffers.bytes(xq);
    float[] scale = new float[m];
    if (scaling == ActivationScaling.PER_TENSOR) {
      parallelRows(m, k, (r0, r1) -> {
        float[] row = new float[k];
        for (int r = r0; r < r1; r++) {
          src.get(r * k, row, 0, k);
          scale[r] = absMax(row, k);
        }
      });
      float amax = 0f;
      for (float v : scale) {
        amax = Math.max(amax, v);
      }
      java.util.Arrays.fill(scale, amax > 0f ? amax / QMAX : 1f);
    }
    // one pass per row while it is in L1: (PER_ROW) max |x|, then the codes
    parallelRows(m, k, (r0, r1) -> {
      float[] row = new float[k];
      byte[] q = new byte[k];
      for (int r = r0; r < r1; r++) {
        src.get(r * k, row, 0, k);
        if (scaling == ActivationScaling.PER_ROW) {
          float amax = absMax(row, k);
          scale[r] = amax > 0f ? amax / QMAX : 1f;
        }
        quantizeRow(row, q, k, 1f / scale[r]);
        dst.put(r * k, q, 0, k);
      }
    });
    return scale;
  }

  /** max |v[i]| over i < n, as a branch-free loop the JIT can vectorise. */
  private static float absMax(float[] v, int n) {
    float amax = 0f;
    for (int i = 0; i < n; i++) {
      amax = Math.max(amax, Math.abs(v[i]));
    }
    return amax;
  }

  /**
   * Adding 1.5·2²³ leaves round-half-even(v) in the low mantissa bits of a float (valid for |v| < 2²²), which a
   * bit reinterpretation reads out: a vectorisable replacement for {@code Math.round} + clamp.
   */
  private static final float ROUND_MAGIC = 12582912f;

  private static final int ROUND_MAGIC_BITS = Float.floatToRawIntBits(ROUND_MAGIC);

  /** q[i] = round(row[i]·inv); callers guarantee |row[i]·inv| ≤ 127. */
  private static void quantizeRow(float[] row, byte[] q, int n, float inv) {
    for (int i = 0; i < n; i++) {
      q[i] = (byte) (Float.floatToRawIntBits(row[i] * inv + ROUND_MAGIC) - ROUND_MAGIC_BITS);
    }
  }

  /** y[m,o] = acc[m,o]·sx[m]·sw[o] + b[o], in place on the float [M, OUT] product. */
  static void rescale(INDArray y, float[] rowScale, float[] colScale, float[] bias) {
    int m = (int) y.rows();
    int n = (int) y.columns();
    FloatBuffer buf = Int8Buffers.floats(y);
    float[] zeros = bias == null ? new float[n] : bias;
    parallelRows(m, n, (r0, r1) -> {
      float[] row = new float[n];
      for (int r = r0; r < r1; r++) {
        buf.get(r * n, row, 0, n);
        float sx = rowScale[r];
        for (int j = 0; j < n; j++) {
          row[j] = row[j] * (sx * colScale[j]) + zeros[j];
        }
        buf.put(r * n, row, 0, n);
      }
    });
  }

  /**
   * The raw int8 product {@code c = a·b} with exact int32 accumulation (oneDNN 3, {@link OneDnnInt8}).
   *
   * @param a [M, K] int8
   * @param b [K, N] int8
   * @param c [M, N] int32 or float, written
   */
  public static void matmulInt8(INDArray a, INDArray b, INDArray c) {
    OneDnnInt8.matmul(a, b, c);
  }

  static int clampRound(float v) {
    int q = Math.round(v);
    return Math.max(-WEIGHT_QMAX, Math.min(WEIGHT_QMAX, q));
  }

  /** Body over a half-open row range. */
  interface RowRange {
    void run(int r0, int r1);
  }

  /** Runs {@code body} over [0, rows) in chunks, in parallel when the matrix is large enough to pay for it. */
  static void parallelRows(int rows, int cols, RowRange body) {
    if (!PARALLEL || (long) rows * cols < 1 << 16 || rows <= ROW_CHUNK) {
      body.run(0, rows);
      return;
    }
    int chunks = (rows + ROW_CHUNK - 1) / ROW_CHUNK;
    IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * ROW_CHUNK, Math.min(rows, (c + 1) * ROW_CHUNK)));
  }
}
