package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.quant.Precision;
import io.finbert4j.weights.BertConfig;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * int8 inference accuracy against float32 (and the fixture's float64 reference). Needs int8 to run: oneDNN 3, on the
 * default class path of every x86-64 build ({@code Int8FallbackTest} fails when oneDNN loads but int8 does not).
 */
@EnabledIf("io.finbert4j.core.quant.Int8Support#available")
class Int8AccuracyTest {
  /**
   * Bound on max |p_int8 − p_float32| over all items and labels of the tiny fixture (H = 16, I = 37: few terms
   * per dot product, so less averaging of the 8-bit rounding than at real sizes). Measured 4.1e-4.
   */
  private static final double TINY_PROB_TOL = 5e-3;
  /** The same bound for a random MiniLM-shaped model (H = 384, I = 1536, 6 layers). Measured 5.5e-4. */
  private static final double MINILM_PROB_TOL = 5e-3;

  @Test
  void tinyFinbertKeepsEveryLabelAndStaysClose() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(Fixture.dir());
    BertForSequenceClassification int8 = model.withPrecision(Precision.INT8);
    assertEquals(Precision.INT8, int8.effectivePrecision());
    Fixture.Reference ref = Fixture.reference();
    double worst = 0;
    double worstRef = 0;
    for (int i = 0; i < ref.items().size(); i++) {
      Fixture.Item it = ref.items().get(i);
      int[][][] in = Fixture.paddedBatch(List.of(it));
      double[] pf = softmax(model.predictLogits(in[0], in[1], in[2])[0]);
      double[] pq = softmax(int8.predictLogits(in[0], in[1], in[2])[0]);
      assertEquals(argmax(it.probabilities()), argmax(pq), "item " + i + ": int8 changed the predicted label");
      for (int c = 0; c < pf.length; c++) {
        worst = Math.max(worst, Math.abs(pq[c] - pf[c]));
        worstRef = Math.max(worstRef, Math.abs(pq[c] - it.probabilities()[c]));
      }
    }
    System.out.printf("tiny-finbert int8: max |dprob| vs float32 %.3e, vs float64 reference %.3e (tol %.0e)%n",
        worst, worstRef, TINY_PROB_TOL);
    assertTrue(worst < TINY_PROB_TOL, "tiny-finbert int8 max |dprob| " + worst + " >= " + TINY_PROB_TOL);
  }

  @Test
  void randomMiniLmShapedModelStaysClose() {
    BertConfig cfg = BertConfig.builder().vocabSize(1000).hiddenSize(384).numHiddenLayers(6).numAttentionHeads(12)
        .intermediateSize(1536).labels(List.of("positive", "negative", "neutral")).build();
    BertForSequenceClassification model = BertForSequenceClassification.random(cfg, DataType.FLOAT, 3);
    BertForSequenceClassification int8 = model.withPrecision(Precision.INT8);
    int b = 8;
    int t = 48;
    Random rnd = new Random(5);
    int[][] ids = new int[b][t];
    int[][] mask = new int[b][t];
    int[][] types = new int[b][t];
    for (int i = 0; i < b; i++) {
      int len = t / 2 + rnd.nextInt(t / 2 + 1); // some rows padded
      for (int j = 0; j < len; j++) {
        ids[i][j] = 1 + rnd.nextInt(cfg.vocabSize() - 1);
        mask[i][j] = 1;
      }
    }
    float[][] lf = model.predictLogits(ids, mask, types);
    float[][] lq = int8.predictLogits(ids, mask, types);
    double worst = 0;
    double num = 0;
    double den = 0;
    for (int i = 0; i < b; i++) {
      double[] pf = softmax(lf[i]);
      double[] pq = softmax(lq[i]);
      for (int c = 0; c < pf.length; c++) {
        worst = Math.max(worst, Math.abs(pq[c] - pf[c]));
        num += (lq[i][c] - lf[i][c]) * (double) (lq[i][c] - lf[i][c]);
        den += lf[i][c] * (double) lf[i][c];
      }
    }
    System.out.printf("random MiniLM-shaped int8 (%dx%d): max |dprob| vs float32 %.3e, logits relative L2 %.3e%n",
        b, t, worst, Math.sqrt(num / den));
    assertTrue(worst < MINILM_PROB_TOL, "MiniLM-shaped int8 max |dprob| " + worst + " >= " + MINILM_PROB_TOL);
  }

  private static double[] softmax(float[] logits) {
    return io.finbert4j.core.FinBert.softmax(logits);
  }

  private static int argmax(double[] v) {
    return io.finbert4j.core.FinBert.argmax(v);
  }

}
