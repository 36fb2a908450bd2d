package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * AdamW against torch.optim.AdamW's update rule written out independently here in double precision:
 *
 * <pre>
 *   p ← p·(1 − lr·wd);  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
 * </pre>
 *
 * with clip_grad_norm_'s coefficient min(1, max/(‖g‖+1e-6)) applied to g first.
 */
class AdamWTest {
  static final double B1 = 0.9;
  static final double B2 = 0.999;
  static final double EPS = 1e-8;
  static final double WD = 0.1;
  @TempDir Path tmp;

  /** Reference optimizer state of one tensor, double precision. */
  static final class Ref {
    final double[] p;
    final double[] m;
    final double[] v;
    int t;

    Ref(float[] init) {
      p = new double[init.length];
      for (int i = 0; i < init.length; i++) {
        p[i] = init[i];
      }
      m = new double[init.length];
      v = new double[init.length];
    }

    void step(double[] g, double lr, double wd) {
      t++;
      double bc1 = 1 - Math.pow(B1, t);
      double bc2 = 1 - Math.pow(B2, t);
      for (int i = 0; i < p.length; i++) {
        p[i] *= 1 - lr * wd;
        m[i] = B1 * m[i] + (1 - B1) * g[i];
        v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
        p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + EPS);
      }
    }
  }

  static final float[] W0 = {0.5f, -0.25f, 1.0f, 0.0f, -1.5f, 0.75f};
  static final float[] B0 = {0.1f, -0.2f, 0.3f};
  static final float[] F0 = {2f, 3f};

  static ParameterRegistry registry() {
    ParameterRegistry r = new ParameterRegistry(DataType.FLOAT);
    r.create("layer.0.dense.weight", 0, true, 2, 3).value().assign(Nd4j.createFromArray(W0).reshape(2, 3));
    r.create("layer.0.dense.bias", 0, false, 3).value().assign(Nd4j.createFromArray(B0));
    r.create("embeddings.frozen", -1, true, 2).value().assign(Nd4j.createFromArray(F0));
    return r;
  }

  static void setGrad(Parameter p, double[] g) {
    float[] f = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      f[i] = (float) g[i];
    }
    p.grad().assign(Nd4j.createFromArray(f).reshape(p.value().shape()));
  }

  static void assertClose(double[] expected, INDArray actual, String what) {
    float[] a = actual.dup().data().asFloat();
    assertEquals(expected.length, a.length, what);
    for (int i = 0; i < a.length; i++) {
      assertEquals(expected[i], a[i], 1e-7 + 1e-6 * Math.abs(expected[i]), what + "[" + i + "]");
    }
  }

  @Test
  void twoStepsMatchPyTorchWithDecoupledDecayAndNoDecayOnBiases() {
    ParameterRegistry reg = registry();
    Parameter w = reg.get("layer.0.dense.weight");
    Parameter b = reg.get("layer.0.dense.bias");
    Parameter f = reg.get("embeddings.frozen");
    f.setTrainable(false);
    AdamW opt = new AdamW(reg, new AdamW.Hyper(B1, B2, EPS, WD));
    Ref rw = new Ref(W0);
    Ref rb = new Ref(B0);
    double[][] gw = {{0.1, -0.2, 0.3, 0.05, 0.0, -1.0}, {-0.3, 0.1, 0.2, -0.05, 0.4, 0.5}};
    double[][] gb = {{0.01, 0.5, -0.02}, {0.2, -0.1, 0.0}};
    double[] lrs = {1e-2, 5e-3};
    for (int s = 0; s < 2; s++) {
      setGrad(w, gw[s]);
      setGrad(b, gb[s]);
      setGrad(f, new double[] {1, 1});
      opt.step(lrs[s], p -> 1.0, 1.0, 0.0);
      rw.step(gw[s], lrs[s], WD);
      rb.step(gb[s], lrs[s], 0.0); // biases do not decay
      assertClose(rw.p, w.value(), "weight after step " + (s + 1));
      assertClose(rb.p, b.value(), "bias after step " + (s + 1));
    }
    assertArrayEquals(F0, f.value().dup().data().asFloat(), "a frozen parameter must not move");
  }

  @Test
  void clipsTheGlobalNormScalesAccumulatedGradsAndAppliesLayerRates() {
    ParameterRegistry reg = registry();
    Parameter w = reg.get("layer.0.dense.weight");
    Parameter b = reg.get("layer.0.dense.bias");
    Parameter f = reg.get("embeddings.frozen");
    AdamW opt = new AdamW(reg, new AdamW.Hyper(B1, B2, EPS, WD));
    double[] gw = {3, -4, 0, 1, 2, -2};
    double[] gb = {1, 1, -1};
    double[] gf = {5, 0};
    setGrad(w, gw);
    setGrad(b, gb);
    setGrad(f, gf);
    double accumScale = 0.5; // two accumulated micro-batches
    double maxNorm = 1.0;
    double sq = 0;
    for (double[] g : new double[][] {gw, gb, gf}) {
      for (double x : g) {
        sq += (x * accumScale) * (x * accumScale);
      }
    }
    double norm = Math.sqrt(sq);
    double coef = maxNorm / (norm + 1e-6);
    double lr = 1e-3;
    double embScale = 0.25; // discriminative rate of the embeddings
    AdamW.StepStats st = opt.step(lr, p -> p.layerIndex() < 0 ? embScale : 1.0, accumScale, maxNorm);
    assertEquals(norm, st.gradNorm(), 1e-9 * norm);
    assertEquals(coef, st.clipCoef(), 1e-12);
    Ref rw = new Ref(W0);
    Ref rb = new Ref(B0);
    Ref rf = new Ref(F0);
    rw.step(scale(gw, accumScale * coef), lr, WD);
    rb.step(scale(gb, accumScale * coef), lr, 0);
    rf.step(scale(gf, accumScale * coef), lr * embScale, WD);
    assertClose(rw.p, w.value(), "clipped weight");
    assertClose(rb.p, b.value(), "clipped bias");
    assertClose(rf.p, f.value(), "embedding at a quarter of the rate");
  }

  @Test
  void stateRoundTripsThroughSafetensors() throws Exception {
    ParameterRegistry a = registry();
    AdamW oa = new AdamW(a, new AdamW.Hyper(B1, B2, EPS, WD));
    a.get("embeddings.frozen").setTrainable(false);
    double[] g1 = {0.1, -0.2, 0.3, 0.05, 0.0, -1.0};
    setGrad(a.get("layer.0.dense.weight"), g1);
    setGrad(a.get("layer.0.dense.bias"), new double[] {1, 2, 3});
    oa.step(1e-2, p -> 1.0, 1.0, 0);
    Path file = tmp.resolve(OptimizerState.FILE);
    OptimizerState.save(oa, file);

    // a second registry at the same weights, restored state: the next step must match exactly
    ParameterRegistry b = registry();
    for (Parameter p : b) {
      p.value().assign(a.get(p.name()).value());
    }
    b.get("embeddings.frozen").setTrainable(false);
    AdamW ob = new AdamW(b, new AdamW.Hyper(B1, B2, EPS, WD));
    OptimizerState.load(ob, file);
    double[] g2 = {-0.3, 0.1, 0.2, -0.05, 0.4, 0.5};
    for (ParameterRegistry r : List.of(a, b)) {
      setGrad(r.get("layer.0.dense.weight"), g2);
      setGrad(r.get("layer.0.dense.bias"), new double[] {-1, 0, 1});
    }
    oa.step(5e-3, p -> 1.0, 1.0, 0);
    ob.step(5e-3, p -> 1.0, 1.0, 0);
    for (Parameter p : a) {
      assertArrayEquals(p.value().dup().data().asFloat(), b.get(p.name()).value().dup().data().asFloat(), p.name());
    }
    assertEquals(2, ob.state().get(0).step());
    assertEquals(0, ob.state().get(2).step()); // never updated: frozen
  }

  static double[] scale(double[] g, double s) {
    double[] o = new double[g.length];
    for (int i = 0; i < g.length; i++) {
      o[i] = g[i] * s;
    }
    return o;
  }

  @Test
  void fusedViewSeesRowViewsAtTheirOffset() {
    INDArray x = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4);
    INDArray row = x.getRow(1);
    java.nio.FloatBuffer b = FloatViews.of(row, "row");
    assertEquals(4, b.limit());
    assertEquals(4f, b.get(0));
    b.put(3, -1f);
    assertEquals(-1f, x.getFloat(1, 3));
  }
}
