package io.finbert4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The FLOAT fast paths of {@link Kernels}: the float approximations (erf, exp) against exact references
 * over dense grids, and each vectorised float kernel against its DOUBLE (exact, element-path) twin.
 */
class KernelsTest {
  private static final double GRID_STEP = 1e-4;

  @Test
  void floatErfIsWithinOneMillionthOfCommonsMath() {
    double worst = 0;
    double at = 0;
    for (double x = -10; x <= 10; x += GRID_STEP) {
      float xf = (float) x;
      double err = Math.abs(Kernels.erfFloat(xf) - Erf.erf(xf));
      if (err > worst) {
        worst = err;
        at = xf;
      }
    }
    System.out.printf("erfFloat: max |error| %.3e at x = %.4f%n", worst, at);
    assertTrue(worst <= 1e-6, "erfFloat max abs error " + worst + " at " + at + " exceeds 1e-6");
  }

  @Test
  void floatExpHasFloatRelativeAccuracyOnTheSoftmaxRange() {
    double worst = 0;
    for (double x = -87; x <= 0; x += GRID_STEP) {
      float xf = (float) x;
      double exact = Math.exp(xf);
      worst = Math.max(worst, Math.abs(Kernels.expFloat(xf) - exact) / exact);
    }
    System.out.printf("expFloat: max relative error %.3e on [-87, 0]%n", worst);
    assertTrue(worst <= 5e-7, "expFloat relative error " + worst + " exceeds 5e-7");
    assertTrue(Kernels.expFloat(-Float.MAX_VALUE) == 0f, "expFloat of the mask value must be exactly 0");
  }

  @Test
  void gaussianFactorOfGeluDerivativeIsWithinOneMillionth() {
    // GELU'(x) = Φ(x) + x·φ(x): the approximated term is x·φ(x), compared in absolute terms
    double worst = 0;
    for (double x = -12; x <= 12; x += GRID_STEP) {
      float xf = (float) x;
      double exact = xf * Math.exp(-0.5 * xf * xf);
      double approx = xf * Kernels.expNegSmall(-0.5f * xf * xf);
      worst = Math.max(worst, Math.abs(approx - exact) * 0.3989422804014327);
    }
    System.out.printf("x·φ(x) via expNegSmall: max |error| %.3e%n", worst);
    assertTrue(worst <= 1e-6, "x·phi(x) abs error " + worst + " exceeds 1e-6");
  }

  /**
   * Small shapes run each float kernel on the calling thread; the large ones are past the parallel threshold, so
   * the kernels split their rows across threads (and LayerNorm's dGamma/dBeta reduce per part).
   */
  @ParameterizedTest(name = "rows {0} x cols {1}, softmax batch {2}")
  @CsvSource({"37, 53, 1", "1500, 97, 5"})
  void floatKernelsMatchTheirDoubleTwins(int rows, int cols, int batch) {
    SplittableRandom rng = new SplittableRandom(7);
    double[] data = new double[rows * cols];
    double[] grad = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = rng.nextGaussian() * 3;
      grad[i] = rng.nextGaussian();
    }
    INDArray xd = Nd4j.createFromArray(data).reshape(rows, cols);
    INDArray xf = xd.castTo(DataType.FLOAT);
    INDArray gd = Nd4j.createFromArray(grad).reshape(rows, cols);
    INDArray gf = gd.castTo(DataType.FLOAT);
    int n = rows * cols;

    // GELU forward and backward
    INDArray yd = xd.ulike();
    INDArray yf = xf.ulike();
    Kernels.geluForward(Buf.of(xd), Buf.of(yd), n, true);
    Kernels.geluForward(Buf.of(xf), Buf.of(yf), n, false);
    assertClose("geluForward", yd, yf, 2e-6);
    INDArray dd = gd.dup();
    INDArray df = gf.dup();
    Kernels.geluBackward(Buf.of(dd), Buf.of(xd), Buf.of(dd), n, true);
    Kernels.geluBackward(Buf.of(df), Buf.of(xf), Buf.of(df), n, false);
    assertClose("geluBackward", dd, df, 5e-6);

    // LayerNorm with residual
    INDArray gamma = Nd4j.rand(DataType.DOUBLE, cols).addi(0.5);
    INDArray beta = Nd4j.rand(DataType.DOUBLE, cols);
    INDArray sd = xd.dup();
    INDArray sf = xf.dup();
    INDArray od = xd.ulike();
    INDArray of = xf.ulike();
    double[] md = new double[rows];
    double[] rd = new double[rows];
    double[] mf = new double[rows];
    double[] rf = new double[rows];
    Kernels.addLayerNormForward(Buf.of(sd), Buf.of(gd), Buf.of(gamma), Buf.of(beta), Buf.of(od), md, rd, rows, cols,
        1e-12);
    Kernels.addLayerNormForward(Buf.of(sf), Buf.of(gf), Buf.of(gamma.castTo(DataType.FLOAT)),
        Buf.of(beta.castTo(DataType.FLOAT)), Buf.of(of), mf, rf, rows, cols, 1e-12);
    assertClose("addLayerNormForward (sum)", sd, sf, 1e-5);
    assertClose("addLayerNormForward", od, of, 1e-5);

    // LayerNorm backward (dX written, dGamma/dBeta accumulated)
    INDArray dxd = xd.ulike();
    INDArray dxf = xf.ulike();
    INDArray dgd = Nd4j.zeros(DataType.DOUBLE, cols);
    INDArray dbd = Nd4j.zeros(DataType.DOUBLE, cols);
    INDArray dgf = Nd4j.zeros(DataType.FLOAT, cols);
    INDArray dbf = Nd4j.zeros(DataType.FLOAT, cols);
    Kernels.layerNormBackward(Buf.of(gd), Buf.of(sd), Buf.of(gamma), md, rd, Buf.of(dxd), Buf.of(dgd), Buf.of(dbd),
        rows, cols);
    Kernels.layerNormBackward(Buf.of(gf), Buf.of(sf), Buf.of(gamma.castTo(DataType.FLOAT)), mf, rf, Buf.of(dxf),
        Buf.of(dgf), Buf.of(dbf), rows, cols);
    assertClose("layerNormBackward dX", dxd, dxf, 5e-5);
    assertClose("layerNormBackward dGamma", dgd, dgf, 1e-5 * rows);
    assertClose("layerNormBackward dBeta", dbd, dbf, 1e-5 * rows);

    // head layout round trip: [B·T, NH·HS] -> [B·NH, T, HS] -> back, against the element path
    int nh = 3;
    int hsz = 5;
    int tt = 7;
    int bb = Math.max(1, rows * cols / (tt * nh * hsz));
    INDArray flatD = Nd4j.rand(DataType.DOUBLE, (long) bb * tt, nh * hsz);
    INDArray headsD = Nd4j.create(DataType.DOUBLE, (long) bb * nh, tt, hsz);
    INDArray headsF = Nd4j.create(DataType.FLOAT, (long) bb * nh, tt, hsz);
    Kernels.splitHeads(Buf.of(flatD), Buf.of(headsD), bb, tt, nh, hsz);
    Kernels.splitHeads(Buf.of(flatD.castTo(DataType.FLOAT)), Buf.of(headsF), bb, tt, nh, hsz);
    assertClose("splitHeads", headsD, headsF, 1e-7);
    assertTrue(headsD.sumNumber().doubleValue() > 0 && headsD.sumNumber().doubleValue()
        == flatD.sumNumber().doubleValue(), "splitHeads must move every element");
    INDArray backF = Nd4j.create(DataType.FLOAT, (long) bb * tt, nh * hsz);
    Kernels.mergeHeads(Buf.of(headsF), Buf.of(backF), bb, tt, nh, hsz);
    assertClose("mergeHeads(splitHeads(x))", flatD, backF, 1e-7);

    // masked softmax over scores [B, NH=2, T, T], every fifth key padded (shifted per batch row)
    int t = cols;
    int heads = 2;
    INDArray sc = Nd4j.randn(DataType.DOUBLE, (long) batch * heads, t, t).muli(4);
    double[][] mask = new double[batch][t];
    double[][] maskF = new double[batch][t];
    for (int bi = 0; bi < batch; bi++) {
      for (int k = bi % 5; k < t; k += 5) {
        mask[bi][k] = -Double.MAX_VALUE;
        maskF[bi][k] = -Float.MAX_VALUE;
      }
    }
    INDArray pd = sc.dup();
    INDArray pf = sc.castTo(DataType.FLOAT);
    Kernels.maskedSoftmaxInPlace(Buf.of(pd), mask, batch, heads, t, 0.125);
    Kernels.maskedSoftmaxInPlace(Buf.of(pf), maskF, batch, heads, t, 0.125);
    assertClose("maskedSoftmaxInPlace", pd, pf, 1e-6);

    // softmax backward in place over dP
    INDArray dpd = Nd4j.randn(DataType.DOUBLE, (long) batch * heads, t, t);
    INDArray dpf = dpd.castTo(DataType.FLOAT);
    Kernels.softmaxBackwardInPlace(Buf.of(dpd), Buf.of(pd), batch * heads * t, t, 0.125);
    Kernels.softmaxBackwardInPlace(Buf.of(dpf), Buf.of(pf), batch * heads * t, t, 0.125);
    assertClose("softmaxBackwardInPlace", dpd, dpf, 1e-6);
  }

  private static void assertClose(String what, INDArray expected, INDArray actual, double tol) {
    double diff = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    System.out.printf("%-28s max |double - float| %.3e%n", what, diff);
    assertTrue(diff <= tol, what + ": float path differs from double by " + diff + " > " + tol);
  }
}
