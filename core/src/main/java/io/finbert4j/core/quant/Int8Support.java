package io.finbert4j.core.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decides once per JVM whether int8 inference can run fast here: the {@code linux-x86_64-onednn-avx512} build of
 * nd4j-native is on the class path, the CPU has AVX-512 VNNI, and a small int8 {@code Mmul} self-test is exact and
 * fast. The generic nd4j-native build has no usable int8 matrix product (measured: the {@code Mmul} op fails or
 * runs at ~5 GOP/s against ~800 GOP/s with oneDNN+VNNI), so without all three callers use float32.
 *
 * <p>{@code -Dfinbert.int8=false} forces float32 (for A/B runs).
 */
public final class Int8Support {
  /** Class-path resource present only in the oneDNN + AVX-512 classifier jar of nd4j-native. */
  static final String ONEDNN_RESOURCE =
      "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn-avx512/libjnind4jcpu.so";

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
   * shared 2-core machine single timings are distorted by 2x; a reference (non-VNNI) int8 kernel is ~40x slower.
   */
  private static final double SLACK = 2.0;

  private static final class Holder {
    static final Status STATUS = probe();
  }

  /** Result of the probe: whether int8 is usable, and a one-line reason either way. */
  public record Status(boolean available, String reason) {}

  private Int8Support() {}

  /** True when the int8 path is usable (oneDNN natives, AVX-512 VNNI, exact and fast self-test). Cached. */
  public static boolean available() {
    return Holder.STATUS.available();
  }

  /** The probe's verdict with the reason, e.g. for {@code --verbose} output and test skip messages. */
  public static Status status() {
    return Holder.STATUS;
  }

  /** True when the oneDNN + AVX-512 nd4j-native natives are on the class path. */
  public static boolean onednnNativesPresent() {
    return Int8Support.class.getClassLoader().getResource(ONEDNN_RESOURCE) != null;
  }

  /** True when /proc/cpuinfo lists avx512f and avx512_vnni (false when it cannot be read, e.g. not Linux). */
  public static boolean cpuHasAvx512Vnni() {
    try {
      String info = Files.readString(Path.of("/proc/cpuinfo"));
      for (String line : info.split("\n")) {
        if (line.startsWith("flags")) {
          String flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
          return flags.contains(" avx512f ") && flags.contains(" avx512_vnni ");
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static Status probe() {
    if (!Boolean.parseBoolean(System.getProperty("finbert.int8", "true"))) {
      return new Status(false, "int8 disabled by -Dfinbert.int8=false");
    }
    if (!onednnNativesPresent()) {
      return new Status(false, "the generic nd4j-native build is loaded; int8 needs the "
          + "linux-x86_64-onednn-avx512 natives (Maven: -Ponednn; launcher: FINBERT_NATIVES=onednn)");
    }
    if (!cpuHasAvx512Vnni()) {
      return new Status(false, "this CPU lacks avx512f/avx512_vnni (per /proc/cpuinfo)");
    }
    try {
      return selfTest();
    } catch (RuntimeException | LinkageError e) {
      return new Status(false, "int8 Mmul self-test failed: " + e);
    }
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
      b[i] = (byte) (rnd.nextInt(255) - 127);
    }
    try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray x = Int8Buffers.int8Matrix(a, TEST_M, TEST_K);
      INDArray w = Int8Buffers.int8Matrix(b, TEST_K, TEST_N);
      INDArray c = Nd4j.create(DataType.INT32, TEST_M, TEST_N);
      Nd4j.exec(new Mmul(x, w, c, MMulTranspose.allFalse()));
      int[] got = c.data().asInt();
      for (int i = 0; i < TEST_M; i++) {
        for (int j = 0; j < TEST_N; j++) {
          int ref = 0;
          for (int k = 0; k < TEST_K; k++) {
            ref += a[i * TEST_K + k] * b[k * TEST_N + j];
          }
          if (got[i * TEST_N + j] != ref) {
            return new Status(false, "int8 Mmul self-test is inexact at (" + i + "," + j + "): "
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
        Nd4j.exec(new Mmul(x, w, c, MMulTranspose.allFalse()));
        Nd4j.gemm(xf, wf, cf, false, false, 1.0, 0.0);
      }
      double bestInt8 = Double.MAX_VALUE;
      double bestFloat = Double.MAX_VALUE;
      // more rounds while the verdict is negative: on a busy machine one round can be distorted by >2x
      for (int r = 0; r < TIMED_CALLS || (r < MAX_TIMED_CALLS && bestInt8 > SLACK * bestFloat); r++) {
        long t = System.nanoTime();
        Nd4j.exec(new Mmul(x, w, c, MMulTranspose.allFalse()));
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
        return new Status(false, "int8 Mmul self-test much slower than float32 (no VNNI kernel?): " + rates);
      }
      return new Status(true, "oneDNN natives + AVX-512 VNNI; self-test exact, " + rates);
    }
  }
}
