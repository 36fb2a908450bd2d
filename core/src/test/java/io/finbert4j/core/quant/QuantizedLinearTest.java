package io.finbert4j.core.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The int8 kernel itself (needs the oneDNN natives and VNNI: see {@link Int8Available}). */
@ExtendWith(Int8Available.class)
class QuantizedLinearTest {
  /**
   * Exactness of the int32 accumulation against a Java loop, at a non-square shape with a K tail: activations over
   * the full int8 range, weights over the range the quantizer gives them ({@link QuantizedLinear#WEIGHT_QMAX}).
   */
  @Test
  void int8ProductIsExact() {
    int m = 37;
    int k = 301;
    int n = 53;
    Random rnd = new Random(7);
    byte[] a = new byte[m * k];
    byte[] b = new byte[k * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (byte) (rnd.nextInt(255) - 127);
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (rnd.nextInt(2 * QuantizedLinear.WEIGHT_QMAX + 1) - QuantizedLinear.WEIGHT_QMAX); // weight codes
    }
    INDArray c = Nd4j.create(DataType.INT32, m, n);
    QuantizedLinear.matmulInt8(Int8Buffers.int8Matrix(a, m, k), Int8Buffers.int8Matrix(b, k, n), c);
    int[] got = c.data().asInt();
    int[] want = new int[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int s = 0;
        for (int p = 0; p < k; p++) {
          s += a[i * k + p] * b[p * n + j];
        }
        want[i * n + j] = s;
      }
    }
    assertArrayEquals(want, got, "int8 x int8 -> int32 Mmul must be exact");
  }

  /** Worst relative error (Frobenius) of the int8 Linear against float32 on Gaussian data, per scaling mode. */
  @Test
  void matchesFloatLinearWithinQuantizationError() {
    for (QuantizedLinear.ActivationScaling sc : QuantizedLinear.ActivationScaling.values()) {
      Nd4j.getRandom().setSeed(11);
      int m = 96;
      int in = 384;
      int out = 160;
      INDArray w = Nd4j.randn(DataType.FLOAT, out, in).muli(0.05);
      INDArray b = Nd4j.randn(DataType.FLOAT, out);
      INDArray x = Nd4j.randn(DataType.FLOAT, m, in);
      INDArray ref = Nd4j.create(DataType.FLOAT, m, out);
      new FloatLinear(w, b).forward(x, ref);
      INDArray got = Nd4j.create(DataType.FLOAT, m, out);
      QuantizedLinear.quantize(w, b, sc).forward(x, got);
      double rel = got.sub(ref).norm2Number().doubleValue() / ref.sub(b.reshape(1, out)).norm2Number().doubleValue();
      System.out.printf("QuantizedLinear %s: relative error %.3e (||int8 - f32|| / ||x W^T||)%n", sc, rel);
      // 8-bit codes on both sides: each contributes ~ (1/127)/sqrt(3) ≈ 0.5% relative per element
      assertTrue(rel < 0.02, sc + " relative error " + rel + " exceeds 2%");
    }
  }

  /** With codes that are exactly representable, the whole path (quantize, product, rescale, bias) is exact. */
  @Test
  void exactOnRepresentableValues() {
    int m = 5;
    int in = 70;
    int out = 9;
    Random rnd = new Random(3);
    float[] w = new float[out * in];
    float[] x = new float[m * in];
    float[] bias = new float[out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        w[o * in + i] = (rnd.nextInt(2 * QuantizedLinear.WEIGHT_QMAX + 1) - QuantizedLinear.WEIGHT_QMAX) * 0.5f;
      }
      w[o * in] = QuantizedLinear.WEIGHT_QMAX * 0.5f; // fixes the per-channel scale at 0.5
      bias[o] = rnd.nextInt(10) - 5;
    }
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < in; i++) {
        x[r * in + i] = (rnd.nextInt(255) - 127) * 0.25f;
      }
      x[r * in + 1] = -127 * 0.25f; // fixes the per-row scale at 0.25
    }
    INDArray y = Nd4j.create(DataType.FLOAT, m, out);
    QuantizedLinear.quantize(w, out, in, bias, QuantizedLinear.ActivationScaling.PER_ROW)
        .forward(Nd4j.create(x, new long[] {m, in}, 'c'), y);
    for (int r = 0; r < m; r++) {
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int i = 0; i < in; i++) {
          s += (double) x[r * in + i] * w[o * in + i];
        }
        assertEquals(s, y.getDouble(r, o), 1e-9 * Math.abs(s) + 1e-6, "y[" + r + "," + o + "]");
      }
    }
  }

  /** Inputs and outputs that are row views of larger buffers (non-zero offset) are read and written in place. */
  @Test
  void acceptsRowViews() {
    Nd4j.getRandom().setSeed(5);
    INDArray w = Nd4j.randn(DataType.FLOAT, 24, 40);
    INDArray big = Nd4j.randn(DataType.FLOAT, 20, 40);
    INDArray x = big.get(NDArrayIndex.interval(4, 12), NDArrayIndex.all());
    INDArray outBig = Nd4j.zeros(DataType.FLOAT, 20, 24);
    INDArray y = outBig.get(NDArrayIndex.interval(10, 18), NDArrayIndex.all());
    QuantizedLinear q = QuantizedLinear.quantize(w, null, QuantizedLinear.ActivationScaling.PER_ROW);
    q.forward(x, y);
    INDArray ref = x.mmul(w.transpose());
    double rel = y.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
    assertTrue(rel < 0.02, "relative error on views " + rel);
    assertEquals(0.0, outBig.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all()).amaxNumber().doubleValue(),
        "rows outside the output view must be untouched");
  }

  /** The per-thread activation scratch is reused across calls of different sizes without stale data leaking. */
  @Test
  void sameResultAcrossShrinkingAndGrowingCalls() {
    Nd4j.getRandom().setSeed(8);
    INDArray w = Nd4j.randn(DataType.FLOAT, 32, 48);
    QuantizedLinear q = QuantizedLinear.quantize(w, null, QuantizedLinear.ActivationScaling.PER_ROW);
    INDArray small = Nd4j.randn(DataType.FLOAT, 3, 48);
    INDArray ySmallFirst = Nd4j.create(DataType.FLOAT, 3, 32);
    q.forward(small, ySmallFirst);
    q.forward(Nd4j.randn(DataType.FLOAT, 40, 48), Nd4j.create(DataType.FLOAT, 40, 32)); // grows the scratch
    INDArray ySmallAgain = Nd4j.create(DataType.FLOAT, 3, 32);
    q.forward(small, ySmallAgain);
    assertEquals(ySmallFirst, ySmallAgain);
  }

  @Test
  void rejectsWrongShapes() {
    QuantizedLinear q = QuantizedLinear.quantize(Nd4j.rand(DataType.FLOAT, 8, 16), null,
        QuantizedLinear.ActivationScaling.PER_ROW);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> q.forward(Nd4j.rand(DataType.FLOAT, 4, 15), Nd4j.create(DataType.FLOAT, 4, 8)));
    assertTrue(e.getMessage().contains("input x"), e.getMessage());
  }
}
