package io.finbert4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fused float32 attention ({@link AttentionKernels}) against the unfused DOUBLE path of {@link BertSelfAttention}
 * (head-layout copies, batched matmuls, separate softmax and dropout — the path the gradient checks verify), with
 * the same weights, inputs, padding and dropout seed: context, dX and the q/k/v weight and bias gradients. Covers
 * eval and training (dropout masks must be the same draws in both paths), one thread and the parallel split, and
 * non-square head sizes.
 */
class AttentionKernelsTest {
  /** Float32 against double on O(1) values: a few float roundings per element. */
  private static final double REL_TOL = 2e-5;
  /** A reference gradient this small is exactly zero in exact arithmetic; compare absolutely then. */
  private static final double ZERO_NORM = 1e-9;

  private static final double ABS_TOL = 1e-4;

  @ParameterizedTest(name = "B {0}, T {1}, hidden {2}, heads {3}, dropout {4}")
  @CsvSource({
    "3, 7, 8, 2, 0.0",
    "3, 7, 8, 2, 0.3",
    "2, 5, 12, 4, 0.1",
    "24, 33, 96, 3, 0.1", // past the parallel threshold: rows split across threads
    "16, 20, 64, 2, 0.0"
  })
  void fusedFloatMatchesUnfusedDouble(int b, int t, int hidden, int heads, double dropout) {
    BertConfig cfg = BertConfig.builder().vocabSize(50).hiddenSize(hidden).numHiddenLayers(1).numAttentionHeads(heads)
        .intermediateSize(hidden * 2).maxPositionEmbeddings(64).typeVocabSize(2).hiddenDropoutProb(0)
        .attentionProbsDropoutProb(dropout).labels(List.of("a", "b")).build();
    SplittableRandom rng = new SplittableRandom(b * 131L + t);
    ParameterRegistry regD = new ParameterRegistry(DataType.DOUBLE);
    ParameterRegistry regF = new ParameterRegistry(DataType.FLOAT);
    BertSelfAttention attD = new BertSelfAttention(regD, "att", cfg, 0);
    BertSelfAttention attF = new BertSelfAttention(regF, "att", cfg, 0);
    for (Parameter p : regD) {
      INDArray v = p.value();
      for (long i = 0; i < v.length(); i++) {
        v.putScalar(i, rng.nextGaussian() * 0.4);
      }
      regF.get(p.name()).value().assign(v.castTo(DataType.FLOAT));
    }
    INDArray xD = Nd4j.rand(DataType.DOUBLE, (long) b * t, hidden).subi(0.5).muli(2);
    INDArray dOutD = Nd4j.rand(DataType.DOUBLE, (long) b * t, hidden).subi(0.5);
    double[][] maskAdd = new double[b][t];
    for (int bi = 0; bi < b; bi++) {
      int len = 1 + rng.nextInt(t); // row lengths 1..T: padded keys get the float minimum, as HF
      for (int ti = len; ti < t; ti++) {
        maskAdd[bi][ti] = -Float.MAX_VALUE;
      }
    }
    for (boolean training : new boolean[] {false, true}) {
      regD.zeroGrad();
      regF.zeroGrad();
      Mode modeD = training ? Mode.training(99) : Mode.EVAL;
      Mode modeF = training ? Mode.training(99) : Mode.EVAL;
      Fwd<BertSelfAttention.Cache> fd = attD.forward(xD, maskAdd, modeD);
      Fwd<BertSelfAttention.Cache> ff = attF.forward(xD.castTo(DataType.FLOAT), maskAdd, modeF);
      assertTrue(ff.cache().fused() && !fd.cache().fused(), "float must take the fused path, double the unfused");
      if (training && dropout > 0) {
        assertArrayEquals(fd.cache().dropMask().keep(), ff.cache().dropMask().keep(),
            "fused and unfused paths must draw the same dropout masks");
      }
      String what = (training ? "training" : "eval") + ", B " + b + " T " + t;
      check("context (" + what + ")", fd.out(), ff.out());
      INDArray dxD = attD.backward(fd.cache(), dOutD);
      INDArray dxF = attF.backward(ff.cache(), dOutD.castTo(DataType.FLOAT));
      check("dX (" + what + ")", dxD, dxF);
      for (Parameter p : regD) {
        check(p.name() + ".grad (" + what + ")", p.grad(), regF.get(p.name()).grad());
      }
    }
  }

  /**
   * The same inputs give the same bits on every call: early calls run the Vector API's Java fallbacks, later ones
   * C2's intrinsics, and the kernels avoid the operations whose rounding differs between the two (lane reductions
   * of sums, EXP), so results do not depend on JIT timing (or on which thread ran them).
   */
  @org.junit.jupiter.api.Test
  void resultsAreBitIdenticalFromTheFirstCallToCompiledCode() {
    int b = 4;
    int t = 37;
    int nh = 2;
    int hs = 24;
    int h = nh * hs;
    INDArray q = Nd4j.rand(DataType.FLOAT, (long) b * t, h);
    INDArray k = Nd4j.rand(DataType.FLOAT, (long) b * t, h);
    INDArray v = Nd4j.rand(DataType.FLOAT, (long) b * t, h);
    INDArray dOut = Nd4j.rand(DataType.FLOAT, (long) b * t, h);
    double[][] maskAdd = new double[b][t];
    maskAdd[1][t - 1] = -Float.MAX_VALUE;
    float[] first = null;
    for (int call = 0; call < 400; call++) {
      INDArray probs = Nd4j.create(DataType.FLOAT, (long) b * nh, t, t);
      INDArray out = Nd4j.create(DataType.FLOAT, (long) b * t, h);
      INDArray dq = Nd4j.create(DataType.FLOAT, (long) b * t, h);
      INDArray dk = Nd4j.create(DataType.FLOAT, (long) b * t, h);
      INDArray dv = Nd4j.create(DataType.FLOAT, (long) b * t, h);
      byte[] keep = new byte[b * nh * t * t];
      AttentionKernels.forward(Buf.of(q).floats(), Buf.of(k).floats(), Buf.of(v).floats(), maskAdd, b, t, nh, hs,
          0.2f, Buf.of(probs).floats(), keep, 0.1, 5, Buf.of(out).floats());
      AttentionKernels.backward(Buf.of(dOut).floats(), Buf.of(q).floats(), Buf.of(k).floats(), Buf.of(v).floats(),
          Buf.of(probs).floats(), keep, 0.1, b, t, nh, hs, 0.2f, Buf.of(dq).floats(), Buf.of(dk).floats(),
          Buf.of(dv).floats());
      float[] all = Nd4j.concat(0, out, dq, dk, dv).data().asFloat();
      if (first == null) {
        first = all;
      } else {
        assertArrayEquals(first, all, "call " + call + " differs from the first call");
      }
    }
  }

  /** The vector e^x is the scalar {@link Kernels#expFloat} lane for lane, bit for bit, over the softmax range. */
  @org.junit.jupiter.api.Test
  void vectorExpEqualsTheScalarPolynomialBitForBit() {
    jdk.incubator.vector.VectorSpecies<Float> f = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
    float[] x = new float[f.length()];
    float[] got = new float[f.length()];
    for (double v = -100; v <= 0; v += 1e-3 * f.length()) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (v + 1e-3 * i);
      }
      x[0] = v < -99.99 ? -Float.MAX_VALUE : x[0]; // the padding mask value too
      AttentionKernels.exp(jdk.incubator.vector.FloatVector.fromArray(f, x, 0)).intoArray(got, 0);
      for (int i = 0; i < x.length; i++) {
        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(Kernels.expFloat(x[i])),
            Float.floatToRawIntBits(got[i]), "e^" + x[i]);
      }
    }
  }

  private static void check(String name, INDArray ref, INDArray got) {
    double num = got.castTo(DataType.DOUBLE).sub(ref).norm2Number().doubleValue();
    double den = Math.max(ref.norm2Number().doubleValue(), 1e-30);
    double maxAbs = got.castTo(DataType.DOUBLE).sub(ref).amaxNumber().doubleValue();
    System.out.printf("  %-44s rel %.2e  max |diff| %.2e%n", name, num / den, maxAbs);
    if (den < ZERO_NORM) {
      // e.g. the key bias: softmax is invariant to it, so its true gradient is 0 and only float round-off remains
      assertTrue(maxAbs <= ABS_TOL, name + ": expected ~0, max |diff| " + maxAbs + " > " + ABS_TOL);
      return;
    }
    assertTrue(num / den <= REL_TOL, name + ": relative error " + num / den + " > " + REL_TOL);
  }
}
