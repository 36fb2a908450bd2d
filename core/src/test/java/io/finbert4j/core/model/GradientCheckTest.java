package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import io.finbert4j.weights.BertConfig;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central-difference gradient checks in DOUBLE for every parameter tensor (sampled entries), on a tiny
 * non-square config (hidden 8, 2 heads, intermediate 13, 2 layers) with padding and both token types.
 * Covers the input embeddings through the word/position/token-type tables.
 */
class GradientCheckTest {
  /**
   * Five-point central difference (f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h)) / 12h: truncation error O(h⁴)
   * and round-off ~1e-16/h, so small gradients (1e-5) are still resolved to better than 1e-6 relative.
   */
  static final double STEP = 1e-4;
  static final double REL_TOL = 1e-6;
  /** Entries whose analytic and numeric gradients are both below this are compared absolutely. */
  static final double ABS_FLOOR = 1e-9;
  static final int SAMPLES_PER_TENSOR = 6;

  static BertConfig tinyConfig(double dropout) {
    return BertConfig.builder()
        .vocabSize(50).hiddenSize(8).numHiddenLayers(2).numAttentionHeads(2).intermediateSize(13)
        .maxPositionEmbeddings(16).typeVocabSize(2).hiddenDropoutProb(dropout).attentionProbsDropoutProb(dropout)
        .initializerRange(0.5).labels(List.of("positive", "negative", "neutral")).build();
  }

  // Batch of 3, T = 7: row 0 full (pair: types 0/1), rows 1-2 padded.
  static final int[][] IDS = {{1, 7, 9, 2, 11, 13, 2}, {1, 22, 31, 2, 0, 0, 0}, {1, 5, 2, 0, 0, 0, 0}};
  static final int[][] MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}, {1, 1, 1, 0, 0, 0, 0}};
  static final int[][] TYPES = {{0, 0, 0, 0, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0}};
  static final int[] LABELS = {0, 2, 1};
  static final float[] CLASS_WEIGHTS = {1.0f, 2.0f, 0.5f};

  @Test
  void everyParameterMatchesCentralDifferences() {
    BertForSequenceClassification m = BertForSequenceClassification.random(tinyConfig(0.0), DataType.DOUBLE, 7);
    m.parameters().zeroGrad();
    m.forwardBackwardDouble(IDS, MASK, TYPES, LABELS, CLASS_WEIGHTS, false, 0);
    // Snapshot the analytic gradients: the loss evaluations below accumulate into the grads again.
    java.util.Map<String, INDArray> analyticGrads = new java.util.HashMap<>();
    for (Parameter p : m.parameters()) {
      analyticGrads.put(p.name(), p.grad().dup());
    }
    SplittableRandom rng = new SplittableRandom(11);
    double worst = 0;
    String worstAt = "";
    int checked = 0;
    for (Parameter p : m.parameters()) {
      INDArray v = p.value();
      INDArray g = analyticGrads.get(p.name());
      int n = (int) v.length();
      int[] idx = sampleIndices(p, n, rng);
      double worstHere = 0;
      for (int i : idx) {
        double numeric = numericGradient(v, i, () -> m.forwardBackwardDouble(IDS, MASK, TYPES, LABELS, CLASS_WEIGHTS, false, 0));
        double analytic = g.getDouble(i);
        double scale = Math.max(Math.abs(numeric), Math.abs(analytic));
        double err = scale < ABS_FLOOR ? Math.abs(numeric - analytic) : Math.abs(numeric - analytic) / scale;
        worstHere = Math.max(worstHere, err);
        if (err > worst) {
          worst = err;
          worstAt = p.name() + "[" + i + "] analytic " + analytic + " numeric " + numeric;
        }
        checked++;
      }
      System.out.printf("  %-55s worst rel err %.2e%n", p.name(), worstHere);
    }
    System.out.printf("gradient check: %d entries, worst %.3e at %s%n", checked, worst, worstAt);
    assertTrue(worst <= REL_TOL, "gradient check failed: " + worst + " at " + worstAt);
  }

  static double numericGradient(INDArray v, int i, java.util.function.DoubleSupplier loss) {
    double orig = v.getDouble(i);
    double[] f = new double[4];
    double[] offsets = {-2 * STEP, -STEP, STEP, 2 * STEP};
    for (int k = 0; k < 4; k++) {
      v.putScalar(i, orig + offsets[k]);
      f[k] = loss.getAsDouble();
    }
    v.putScalar(i, orig);
    return (f[0] - 8 * f[1] + 8 * f[2] - f[3]) / (12 * STEP);
  }

  /** Samples entries; for embedding tables, only rows the batch actually uses (others have zero gradient). */
  private static int[] sampleIndices(Parameter p, int n, SplittableRandom rng) {
    int[] idx = new int[Math.min(SAMPLES_PER_TENSOR, n)];
    long[] shape = p.shape();
    for (int s = 0; s < idx.length; s++) {
      if (p.name().equals("bert.embeddings.word_embeddings.weight")) {
        int row = IDS[rng.nextInt(IDS.length)][rng.nextInt(IDS[0].length)];
        idx[s] = row * (int) shape[1] + rng.nextInt((int) shape[1]);
      } else if (p.name().equals("bert.embeddings.position_embeddings.weight")) {
        idx[s] = rng.nextInt(IDS[0].length) * (int) shape[1] + rng.nextInt((int) shape[1]);
      } else {
        idx[s] = rng.nextInt(n);
      }
    }
    return idx;
  }

  @Test
  void dropoutIsDeterministicPerSeed() {
    BertForSequenceClassification m = BertForSequenceClassification.random(tinyConfig(0.2), DataType.FLOAT, 3);
    m.parameters().zeroGrad();
    float a = m.forwardBackward(IDS, MASK, TYPES, LABELS, null, true, 42);
    INDArray ga = m.parameters().get("bert.encoder.layer.0.attention.self.query.weight").grad().dup();
    m.parameters().zeroGrad();
    float b = m.forwardBackward(IDS, MASK, TYPES, LABELS, null, true, 42);
    INDArray gb = m.parameters().get("bert.encoder.layer.0.attention.self.query.weight").grad().dup();
    m.parameters().zeroGrad();
    float c = m.forwardBackward(IDS, MASK, TYPES, LABELS, null, true, 43);
    float eval1 = m.forwardBackward(IDS, MASK, TYPES, LABELS, null, false, 1);
    float eval2 = m.forwardBackward(IDS, MASK, TYPES, LABELS, null, false, 2);
    assertEquals(a, b, 0.0, "same seed, same loss");
    assertEquals(ga, gb, "same seed, same gradients");
    assertNotEquals(a, c, "different seed, different dropout masks");
    assertEquals(eval1, eval2, 0.0, "eval mode ignores the seed");
  }

  @Test
  void gradientCheckWithDropoutUsesTheSameMasks() {
    // With a fixed seed the dropout masks are constants, so training-mode gradients are checkable too.
    BertForSequenceClassification m = BertForSequenceClassification.random(tinyConfig(0.3), DataType.DOUBLE, 5);
    m.parameters().zeroGrad();
    m.forwardBackwardDouble(IDS, MASK, TYPES, LABELS, null, true, 99);
    Parameter p = m.parameters().get("bert.encoder.layer.1.intermediate.dense.weight");
    INDArray analyticGrad = p.grad().dup();
    double worst = 0;
    for (int i = 0; i < 10; i++) {
      double numeric = numericGradient(p.value(), i, () -> m.forwardBackwardDouble(IDS, MASK, TYPES, LABELS, null, true, 99));
      double analytic = analyticGrad.getDouble(i);
      double scale = Math.max(Math.abs(numeric), Math.abs(analytic));
      worst = Math.max(worst, scale < ABS_FLOOR ? Math.abs(numeric - analytic) : Math.abs(numeric - analytic) / scale);
    }
    System.out.printf("gradient check with dropout: worst %.3e%n", worst);
    assertTrue(worst <= REL_TOL, "dropout gradient check failed: " + worst);
  }
}
