package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.quant.Int8Support;
import io.finbert4j.core.quant.Precision;
import org.junit.jupiter.api.Test;

/**
 * {@code withPrecision(INT8)} on every class path: where int8 cannot run (the default test class path has the
 * generic natives) the view must say so and give exactly the float32 logits; training through an int8 view is
 * float32 either way; and concurrent inference through one view (including the lazy first quantization) gives
 * what a lone caller gets. The int8 accuracy tests are {@link Int8AccuracyTest}.
 */
class Int8InferenceTest {
  /** int8 last hidden state vs float32, relative L2 (post-LayerNorm values of order 1; 8-bit codes: ~1e-2). */
  private static final double HIDDEN_REL_TOL = 0.05;

  @Test
  void requestedInt8FallsBackToIdenticalFloat32WhenUnavailable() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(Fixture.dir());
    BertForSequenceClassification int8 = model.withPrecision(Precision.INT8);
    assertEquals(Precision.FLOAT32, model.precision());
    assertEquals(Precision.FLOAT32, model.effectivePrecision());
    assertNull(model.precisionNotice(), "a float32 model has nothing to report");
    assertEquals(Precision.INT8, int8.precision());
    assertTrue(int8.parameters() == model.parameters(), "the view must share the parameters, not copy them");
    System.out.println("int8 view: effective " + int8.effectivePrecision() + "; notice: " + int8.precisionNotice()
        + "; Int8Support: " + Int8Support.status().reason());
    if (Int8Support.available()) {
      assertEquals(Precision.INT8, int8.effectivePrecision());
      assertNull(int8.precisionNotice());
      return; // accuracy: Int8AccuracyTest
    }
    assertEquals(Precision.FLOAT32, int8.effectivePrecision());
    String notice = int8.precisionNotice();
    assertNotNull(notice, "an int8 request that runs float32 must say so");
    assertTrue(notice.contains(Int8Support.status().reason()) && !notice.contains("\n"),
        "the notice must be one line with the probe's reason: " + notice);
    int[][][] in = Fixture.paddedBatch(Fixture.reference().items());
    float[][] want = model.predictLogits(in[0], in[1], in[2]);
    float[][] got = int8.predictLogits(in[0], in[1], in[2]);
    for (int r = 0; r < want.length; r++) {
      assertArrayEquals(want[r], got[r], 0f, "fallback logits row " + r + " must be the float32 ones exactly");
    }
  }

  /**
   * The encoder view ({@code BertModel.withPrecision}): identical hidden states where int8 falls back, within
   * quantization error (relative L2 below {@link #HIDDEN_REL_TOL}) where it runs.
   */
  @Test
  void encoderViewRunsInt8OrFallsBack() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(Fixture.dir());
    io.finbert4j.core.BertModel enc = model.bert();
    io.finbert4j.core.BertModel int8 = enc.withPrecision(Precision.INT8);
    assertTrue(int8.parameters() == enc.parameters(), "the view must share the parameters");
    assertEquals(model.withPrecision(Precision.INT8).effectivePrecision(), int8.effectivePrecision());
    assertEquals(int8.effectivePrecision() == Precision.FLOAT32, int8.precisionNotice() != null);
    int[][][] in = Fixture.paddedBatch(Fixture.reference().items());
    float[][][] want = enc.lastHiddenState(in[0], in[1], in[2]);
    float[][][] got = int8.lastHiddenState(in[0], in[1], in[2]);
    double num = 0;
    double den = 0;
    for (int b = 0; b < want.length; b++) {
      for (int t = 0; t < want[b].length; t++) {
        for (int h = 0; h < want[b][t].length; h++) {
          double d = got[b][t][h] - want[b][t][h];
          num += d * d;
          den += (double) want[b][t][h] * want[b][t][h];
        }
      }
    }
    double rel = Math.sqrt(num / den);
    System.out.printf("encoder view %s: last hidden state relative L2 vs float32 %.3e%n",
        int8.effectivePrecision(), rel);
    if (int8.effectivePrecision() == Precision.FLOAT32) {
      assertEquals(0.0, rel, "fallback hidden states must be the float32 ones exactly");
    } else {
      assertTrue(rel < HIDDEN_REL_TOL, "int8 hidden states relative L2 " + rel + " >= " + HIDDEN_REL_TOL);
    }
  }

  /** forwardBackward ignores the view's precision: same loss and the same gradients as the float32 model. */
  @Test
  void trainingThroughAnInt8ViewIsFloat32() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(Fixture.dir());
    BertForSequenceClassification int8 = model.withPrecision(Precision.INT8);
    Fixture.Reference ref = Fixture.reference();
    int[][][] in = Fixture.paddedBatch(ref.items());
    int[] labels = ref.items().stream().mapToInt(Fixture.Item::label).toArray();
    int8.predictLogits(in[0], in[1], in[2]); // builds the int8 kernels where available
    model.parameters().zeroGrad();
    float lossFloat = model.forwardBackward(in[0], in[1], in[2], labels, null, false, 0L);
    float[] gradFloat = model.parameters().get("bert.encoder.layer.0.attention.self.query.weight").grad()
        .dup().data().asFloat();
    model.parameters().zeroGrad();
    float lossView = int8.forwardBackward(in[0], in[1], in[2], labels, null, false, 0L);
    float[] gradView = model.parameters().get("bert.encoder.layer.0.attention.self.query.weight").grad()
        .dup().data().asFloat();
    assertEquals(lossFloat, lossView, 0f, "forwardBackward on an int8 view must run float32");
    assertArrayEquals(gradFloat, gradView, 0f, "gradients through an int8 view must be the float32 ones");
    assertEquals(ref.loss(), lossFloat, 1e-4, "float32 loss against the fixture reference");
  }

  /**
   * Many threads on one int8 view, starting together so that they race the lazy quantization, with batches of
   * different shapes interleaved: every call must give exactly what a lone caller on a fresh view gets.
   */
  @Test
  void concurrentInt8InferenceGivesTheSingleThreadedLogits() throws Exception {
    Fixture.assertSharedViewMatchesLoneViews(Precision.INT8);
  }
}
