package io.finbert4j.core.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.ParameterRegistry;
import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The oneDNN dense products against plain double loops written here (not against OpenBLAS or oneDNN itself), at
 * odd shapes and several row counts through one cached primitive per product. oneDNN must be usable on x86-64
 * builds: its absence there fails, it does not skip.
 */
class OneDnnDenseTest {
  private static final double TOL = 2e-6; // float32 sums of <= 67 products of values in [-1, 1], relative

  private static INDArray rand(SplittableRandom rnd, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rnd.nextDouble(-1, 1);
    }
    return Nd4j.create(v, shape, 'c');
  }

  private static void assertClose(double want, double got, String what) {
    assertEquals(want, got, TOL * Math.max(1, Math.abs(want)), what);
  }

  @Test
  void oneDnnIsUsableAndTheDefaultOnX86() {
    OneDnn.Status s = OneDnn.status();
    String arch = System.getProperty("os.arch");
    System.out.println("oneDNN: " + s.reason());
    if (arch.equals("amd64") || arch.equals("x86_64")) {
      assertTrue(s.usable() && s.preferred(), "oneDNN must load and be preferred on x86-64: " + s.reason());
      try (DenseBackend d = DenseBackend.create(DataType.FLOAT)) {
        assertInstanceOf(OneDnnDense.class, d);
        assertTrue(d.describe().contains("oneDNN " + s.version()), d.describe());
      }
    }
    assertSame(BlasDense.INSTANCE, DenseBackend.create(DataType.DOUBLE), "DOUBLE runs on ND4J's gemm");
  }

  @Test
  void propertyForcesBlasOrRejectsUnknownValues() {
    String old = System.getProperty(DenseBackend.PROPERTY);
    try {
      System.setProperty(DenseBackend.PROPERTY, "blas");
      assertSame(BlasDense.INSTANCE, DenseBackend.create(DataType.FLOAT));
      System.setProperty(DenseBackend.PROPERTY, "mkl");
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> DenseBackend.create(DataType.FLOAT));
      assertTrue(e.getMessage().contains("mkl") && e.getMessage().contains("blas"), e.getMessage());
    } finally {
      if (old == null) {
        System.clearProperty(DenseBackend.PROPERTY);
      } else {
        System.setProperty(DenseBackend.PROPERTY, old);
      }
    }
  }

  @Test
  void forwardBiasAndGeluMatchPlainLoopsAtEveryRowCount() {
    SplittableRandom rnd = new SplittableRandom(3);
    int k = 67;
    int n = 29;
    INDArray w = rand(rnd, n, k);
    INDArray b = rand(rnd, n);
    try (OneDnnDense d = new OneDnnDense()) {
      for (int m : new int[] {1, 5, 16, 33}) {
        INDArray x = rand(rnd, m, k);
        INDArray y = Nd4j.create(DataType.FLOAT, m, n).assign(7); // garbage that must be overwritten
        INDArray g = Nd4j.create(DataType.FLOAT, m, n);
        INDArray nb = Nd4j.create(DataType.FLOAT, m, n);
        d.forward(x, w, b, y, false);
        d.forward(x, w, b, g, true);
        d.forward(x, w, null, nb, false);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
              s += x.getDouble(i, p) * w.getDouble(j, p);
            }
            double pre = s + b.getDouble(j);
            assertClose(pre, y.getDouble(i, j), "y[" + i + "," + j + "] at M=" + m);
            assertClose(s, nb.getDouble(i, j), "no-bias y[" + i + "," + j + "] at M=" + m);
            assertClose(0.5 * pre * (1 + Erf.erf(pre / Math.sqrt(2))), g.getDouble(i, j),
                "gelu[" + i + "," + j + "] at M=" + m);
          }
        }
      }
      // one runtime-M primitive per (product, shape, epilogue): 3 here, however many row counts ran
      assertEquals(3, d.implementationCount(), "primitives are cached per shape, not per row count");
      assertFalse(d.implementations().stream().anyMatch(i -> i.startsWith("ref")), d.implementations().toString());
    }
  }

  /** bf16 of {@code v} by bit arithmetic written here: nearest, ties to even (finite v). */
  private static double bf16(double v) {
    float f = (float) v;
    int bits = Float.floatToRawIntBits(f);
    int lower = bits & 0xFFFF;
    int upper = bits & 0xFFFF0000;
    if (lower > 0x8000 || (lower == 0x8000 && (upper & 0x10000) != 0)) {
      upper += 0x10000;
    }
    return Float.intBitsToFloat(upper);
  }

  /**
   * A bf16 backend (on a CPU with bf16 instructions) computes the products of the bf16-rounded x and W with float
   * accumulation: compared with double sums of those rounded values, it must be far closer than to the float32
   * product, and its kernel must be a bf16 one (not the float32 gemm, not a reference loop).
   */
  @Test
  void bf16ForwardIsTheProductOfBf16RoundedInputs() {
    Assumptions.assumeTrue(OneDnn.status().usable() && OneDnn.cpuHasBf16(), "no bf16 instructions on this CPU");
    SplittableRandom rnd = new SplittableRandom(11);
    int k = 96;
    int n = 40;
    INDArray w = rand(rnd, n, k);
    INDArray b = rand(rnd, n);
    try (OneDnnDense d = new OneDnnDense(true)) {
      double maxToBf16 = 0;
      double maxToF32 = 0;
      for (int m : new int[] {1, 16, 37}) {
        INDArray x = rand(rnd, m, k);
        INDArray y = Nd4j.create(DataType.FLOAT, m, n).assign(7);
        INDArray g = Nd4j.create(DataType.FLOAT, m, n);
        d.forward(x, w, b, y, false);
        d.forward(x, w, b, g, true);
        for (int i = 0; i < m; i++) {
          for (int j = 0; j < n; j++) {
            double s = 0;
            double s32 = 0;
            for (int p = 0; p < k; p++) {
              s += bf16(x.getDouble(i, p)) * bf16(w.getDouble(j, p));
              s32 += x.getDouble(i, p) * w.getDouble(j, p);
            }
            double pre = s + b.getDouble(j);
            maxToBf16 = Math.max(maxToBf16, Math.abs(pre - y.getDouble(i, j)));
            maxToF32 = Math.max(maxToF32, Math.abs(s32 + b.getDouble(j) - y.getDouble(i, j)));
            assertEquals(pre, y.getDouble(i, j), 1e-4 * Math.max(1, Math.abs(pre)), "y[" + i + "," + j + "] M=" + m);
            assertEquals(0.5 * pre * (1 + Erf.erf(pre / Math.sqrt(2))), g.getDouble(i, j), 1e-4 * Math.max(1,
                Math.abs(pre)), "gelu[" + i + "," + j + "] M=" + m);
          }
        }
      }
      assertTrue(maxToF32 > 10 * maxToBf16, "bf16 products must follow the bf16-rounded inputs (" + maxToBf16
          + ") not the float32 ones (" + maxToF32 + ")");
      assertTrue(d.implementations().stream().noneMatch(i -> i.startsWith("ref") || i.contains("f32")),
          d.implementations().toString());
      assertTrue(d.describe().contains("bf16"), d.describe());
    }
  }

  /**
   * bf16 training: the forward product and both backward products follow double sums of the bf16-rounded operands
   * (x, W, dY rounded on every call, so a weight changed between calls is seen), with float32 accumulation into dX
   * and dW; the kernels are bf16 ones.
   */
  @Test
  void bf16TrainingProductsAreThoseOfBf16RoundedOperands() {
    Assumptions.assumeTrue(OneDnn.status().usable() && OneDnn.cpuHasBf16(), "no bf16 instructions on this CPU");
    SplittableRandom rnd = new SplittableRandom(17);
    int m = 19;
    int k = 48;
    int n = 24;
    INDArray w = rand(rnd, n, k);
    INDArray x = rand(rnd, m, k);
    INDArray dy = rand(rnd, m, n);
    INDArray y = Nd4j.create(DataType.FLOAT, m, n);
    INDArray dx = Nd4j.create(DataType.FLOAT, m, k).assign(3);
    INDArray dw = rand(rnd, n, k);
    INDArray dw0 = dw.dup();
    try (OneDnnDense d = OneDnnDense.bf16Training()) {
      d.forward(x, w, null, y, false);
      w.muli(-1); // the next products must see the changed weights
      d.backwardData(dy, w, dx, false);
      d.backwardWeights(dy, x, dw);
      assertTrue(d.implementations().stream().noneMatch(i -> i.startsWith("ref") || i.contains("f32")),
          d.implementations().toString());
      assertTrue(d.describe().contains("bf16 training"), d.describe());
    }
    double tol = 1e-4;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += bf16(x.getDouble(i, p)) * bf16(-w.getDouble(j, p));
        }
        assertEquals(s, y.getDouble(i, j), tol * Math.max(1, Math.abs(s)), "y[" + i + "," + j + "]");
      }
      for (int p = 0; p < k; p++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += bf16(dy.getDouble(i, j)) * bf16(w.getDouble(j, p));
        }
        assertEquals(s, dx.getDouble(i, p), tol * Math.max(1, Math.abs(s)), "dX[" + i + "," + p + "]");
      }
    }
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        double s = dw0.getDouble(j, p);
        for (int i = 0; i < m; i++) {
          s += bf16(dy.getDouble(i, j)) * bf16(x.getDouble(i, p));
        }
        assertEquals(s, dw.getDouble(j, p), tol * Math.max(1, Math.abs(s)), "dW[" + j + "," + p + "]");
      }
    }
  }

  @Test
  void backwardProductsMatchPlainLoops() {
    SplittableRandom rnd = new SplittableRandom(5);
    int m = 13;
    int k = 41;
    int n = 22;
    INDArray w = rand(rnd, n, k);
    INDArray x = rand(rnd, m, k);
    INDArray dy = rand(rnd, m, n);
    INDArray dx = Nd4j.create(DataType.FLOAT, m, k).assign(3);
    INDArray dxAcc = rand(rnd, m, k);
    INDArray dxAcc0 = dxAcc.dup();
    INDArray dw = rand(rnd, n, k);
    INDArray dw0 = dw.dup();
    try (OneDnnDense d = new OneDnnDense()) {
      d.backwardData(dy, w, dx, false);
      d.backwardData(dy, w, dxAcc, true);
      d.backwardWeights(dy, x, dw);
    }
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double s = 0;
        for (int j = 0; j < n; j++) {
          s += dy.getDouble(i, j) * w.getDouble(j, p);
        }
        assertClose(s, dx.getDouble(i, p), "dX[" + i + "," + p + "]");
        assertClose(dxAcc0.getDouble(i, p) + s, dxAcc.getDouble(i, p), "dX+=[" + i + "," + p + "]");
      }
    }
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        double s = 0;
        for (int i = 0; i < m; i++) {
          s += dy.getDouble(i, j) * x.getDouble(i, p);
        }
        assertClose(dw0.getDouble(j, p) + s, dw.getDouble(j, p), "dW[" + j + "," + p + "]");
      }
    }
  }

  @Test
  void closeReleasesAndTheRegistryFallsBackToBlas() {
    ParameterRegistry reg = new ParameterRegistry(DataType.FLOAT);
    DenseBackend first = reg.dense();
    assertSame(first, reg.dense(), "one backend per registry");
    SplittableRandom rnd = new SplittableRandom(9);
    INDArray x = rand(rnd, 4, 8);
    INDArray w = rand(rnd, 6, 8);
    INDArray y = Nd4j.create(DataType.FLOAT, 4, 6);
    first.forward(x, w, null, y, false);
    reg.closeDense();
    reg.closeDense(); // idempotent
    if (first instanceof OneDnnDense o) {
      assertTrue(o.isClosed());
      assertEquals(0, o.implementationCount());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> o.forward(x, w, null, y, false));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
    assertSame(BlasDense.INSTANCE, reg.dense(), "after close the registry computes on ND4J's gemm");
    INDArray y2 = Nd4j.create(DataType.FLOAT, 4, 6);
    reg.dense().forward(x, w, null, y2, false);
    assertTrue(y.equalsWithEps(y2, 1e-5), "oneDNN and ND4J gemm agree");
  }

  /**
   * oneDNN's OpenMP runtime sizes its parallel regions by the calling thread's omp_get_max_threads(): after a product
   * on a fresh thread that must be {@code finbert.kernel.threads} (or the processor count), and only one libgomp may
   * be mapped (oneDNN's and ND4J's share it, so ND4J sees the same setting).
   */
  @Test
  void openMpThreadsFollowOursOnEveryCallingThread() throws Exception {
    SplittableRandom rnd = new SplittableRandom(13);
    INDArray x = rand(rnd, 8, 16);
    INDArray w = rand(rnd, 4, 16);
    int[] seen = new int[1];
    String old = System.getProperty("finbert.kernel.threads");
    System.setProperty("finbert.kernel.threads", "1"); // differs from OpenMP's default (every core) on >= 2 cores
    try (OneDnnDense d = new OneDnnDense()) {
      Thread t = new Thread(() -> {
        d.forward(x, w, null, Nd4j.create(DataType.FLOAT, 8, 4), false);
        seen[0] = org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
      });
      t.start();
      t.join();
    } finally {
      if (old == null) {
        System.clearProperty("finbert.kernel.threads");
      } else {
        System.setProperty("finbert.kernel.threads", old);
      }
    }
    assertEquals(1, seen[0], "OpenMP threads on a calling thread after a oneDNN product");
    java.nio.file.Path maps = java.nio.file.Path.of("/proc/self/maps");
    if (java.nio.file.Files.isReadable(maps)) {
      long gomps = java.nio.file.Files.readAllLines(maps).stream().filter(l -> l.contains("libgomp"))
          .map(l -> l.substring(l.lastIndexOf(' ') + 1)).distinct().count();
      assertEquals(1, gomps, "exactly one OpenMP runtime mapped (oneDNN and ND4J share it)");
    }
  }

  @Test
  void stridedViewsGoToBlasAndStillComputeRight() {
    SplittableRandom rnd = new SplittableRandom(11);
    INDArray big = rand(rnd, 6, 20);
    INDArray x = big.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10)); // column slice: row stride 20 != 10
    INDArray w = rand(rnd, 3, 10);
    INDArray y = Nd4j.create(DataType.FLOAT, 6, 3);
    try (OneDnnDense d = new OneDnnDense()) {
      d.forward(x, w, null, y, false);
      assertThrows(IllegalArgumentException.class, () -> d.forward(x, w, null, y, true));
    }
    assertTrue(y.equalsWithEps(x.mmul(w.transpose()), 1e-5));
  }
}
