package io.finbert4j.core.quant;

import java.util.Locale;
import io.finbert4j.core.dense.OneDnn;
import io.finbert4j.core.dense.OneDnnInt8;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decides once per JVM whether int8 inference can run here: oneDNN 3 loads ({@link OneDnn#status()}) and a small
 * int8 product through {@link OneDnnInt8} is exact and not much slower than float32. oneDNN dispatches int8 on the
 * CPU's features: AMX-INT8 or AVX512-VNNI / AVX-VNNI kernels where present (3–4× float32), its AVX2 kernel
 * elsewhere (exact, about float32's speed: measured on AMD EPYC Zen 2); a reference kernel would be ~40× slower
 * and fails the speed check.
 *
 * <p>{@code -Dfinbert.int8=false} forces float32 (for A/B runs).
 */
public final class Int8Support {
  /** Self-test product size: big enough to time, small enough to cost < 1 ms with VNNI. */
  private static final int TEST_M = 128;
  private static final int TEST_K = 512;
  private static final int TEST_N = 256;
  /** Untimed calls before timing: the first oneDNN calls create and JIT-compile the primitive (milliseconds). */
  private static final int WARMUP_CALLS = 10;
  /** Timed calls of each kind, interleaved; the best of each is compared. */
  private static final int TIMED_CALLS = 30;
  /** Upper bound on timed calls when the first {@link #TIMED_CALLS} say int8 is slow (~50 ms at worst with VNNI). */
  private static final int MAX_TIMED_CALLS = 300;
  /**
   * int8 may be up to this factor slower than float32 in the self-test and still count as fast: on a heavily
   * shared 2-core machine single timings are distorted by 2x; a reference (non-JIT) int8 kernel is ~40x slower.
   */
  private static final double SLACK = 2.0;

  private static final class Holder {
    static final Status STATUS = probe();
  }

  /** Result of the probe: whether int8 is usable, and a one-line reason either way. */
  public record Status(boolean available, String reason) {}

  private Int8Support() {}

  /** True when the int8 path is usable (oneDNN loads, exact and fast self-test). Cached. */
  public static boolean available() {
    return Holder.STATUS.available();
  }

  /** The probe's verdict with the reason, e.g. for {@code --verbose} output and test skip messages. */
  public static Status status() {
    return Holder.STATUS;
  }

  /** True when the CPU has int8 dot-product instructions (AVX512-VNNI, AVX-VNNI or AMX-INT8), per /proc/cpuinfo. */
  public static boolean cpuHasInt8Dot() {
    return OneDnn.cpuHasInt8Dot();
  }

  private static Status probe() {
    if (!Boolean.parseBoolean(System.getProperty("finbert.int8", "true"))) {
      return new Status(false, "int8 disabled by -Dfinbert.int8=false");
    }
    OneDnn.Status dnn = OneDnn.status();
    if (!dnn.usable()) {
      return new Status(false, "int8 needs oneDNN: " + dnn.reason());
    }
    try {
      return selfTest();
    } catch (RuntimeException | LinkageError e) {
      return new Status(false, "oneDNN int8 self-test failed: " + e);
    }
  }

  private static OneDnn.Status dnn() {
    return OneDnn.status();
  }

  /** Multiplies small random int8 matrices, checks every int32 sum against a Java loop, and times it. */
  private static Status selfTest() {
    java.util.Random rnd = new java.util.Random(1);
    byte[] a = new byte[TEST_M * TEST_K];
    byte[] b = new byte[TEST_K * TEST_N];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (rnd.nextInt(255) - 127);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (rnd.nextInt(2 * QuantizedLinear.WEIGHT_QMAX + 1) - QuantizedLinear.WEIGHT_QMAX); // weight codes
    }
    try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray x = Int8Buffers.int8Matrix(a, TEST_M, TEST_K);
      INDArray w = Int8Buffers.int8Matrix(b, TEST_K, TEST_N);
      INDArray c = Nd4j.create(DataType.INT32, TEST_M, TEST_N);
      OneDnnInt8.matmul(x, w, c);
      int[] got = c.data().asInt();
      for (int i = 0; i < TEST_M; i++) {
        for (int j = 0; j < TEST_N; j++) {
          int ref = 0;
          for (int k = 0; k < TEST_K; k++) {
            ref += a[i * TEST_K + k] * b[k * TEST_N + j];
          }
          if (got[i * TEST_N + j] != ref) {
            return new Status(false, "oneDNN int8 self-test is inexact at (" + i + "," + j + "): "
                + got[i * TEST_N + j] + " != " + ref);
          }
        }
      }
      // Speed criterion relative to float32 sgemm of the same shape timed in the same moment, so that a busy
      // machine (shared CI, other JVMs) slows both alike (with VNNI int8 is 3-4x faster than float32; a non-VNNI
      // reference kernel is ~40x slower).
      INDArray xf = x.castTo(DataType.FLOAT);
      INDArray wf = w.castTo(DataType.FLOAT);
      INDArray cf = Nd4j.create(DataType.FLOAT, TEST_M, TEST_N);
      for (int r = 0; r < WARMUP_CALLS; r++) {
        OneDnnInt8.matmul(x, w, c);
        Nd4j.gemm(xf, wf, cf, false, false, 1.0, 0.0);
      }
      double bestInt8 = Double.MAX_VALUE;
      double bestFloat = Double.MAX_VALUE;
      // more rounds while the verdict is negative: on a busy machine one round can be distorted by >2x
      for (int r = 0; r < TIMED_CALLS || (r < MAX_TIMED_CALLS && bestInt8 > SLACK * bestFloat); r++) {
        long t = System.nanoTime();
        OneDnnInt8.matmul(x, w, c);
        long t1 = System.nanoTime();
        Nd4j.gemm(xf, wf, cf, false, false, 1.0, 0.0);
        long t2 = System.nanoTime();
        bestInt8 = Math.min(bestInt8, (t1 - t) / 1e9);
        bestFloat = Math.min(bestFloat, (t2 - t1) / 1e9);
      }
      double ops = 2.0 * TEST_M * TEST_K * TEST_N;
      String rates = String.format(Locale.ROOT, "int8 %.0f GOP/s vs float32 %.0f GFLOP/s on %dx%dx%d",
          ops / bestInt8 / 1e9, ops / bestFloat / 1e9, TEST_M, TEST_K, TEST_N);
      if (bestInt8 > SLACK * bestFloat) {
        return new Status(false, "oneDNN int8 self-test much slower than float32 (reference kernel "
            + OneDnnInt8.implementation(TEST_K, TEST_N) + "?): " + rates);
      }
      return new Status(true, "oneDNN " + dnn().version() + " int8 " + OneDnnInt8.implementation(TEST_K, TEST_N)
          + " (ISA " + dnn().isa() + (cpuHasInt8Dot() ? ", int8 dot-product instructions" : ", no VNNI/AMX: "
          + "about float32's speed") + "); self-test exact, " + rates);
    }
  }
}
