package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.TensorSource;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Parity with the tiny-finbert reference (independent float64 implementation): logits within 1e-5
 * absolute (batched and one by one), the batch loss within 1e-5, and every parameter's gradient within
 * 1e-3 relative (by norm).
 */
class ReferenceParityTest {
  static final double LOGIT_TOL = 1e-5;
  static final double LOSS_TOL = 1e-5;
  static final double GRAD_REL_TOL = 1e-3;
  /**
   * The key bias's true gradient is exactly zero (softmax is invariant to adding the same q·b_k to every
   * score of a row); the reference holds float64 round-off (~1e-15), ours float32 round-off. Such
   * tensors are compared in absolute terms instead of relative.
   */
  static final double ZERO_GRAD_NORM = 1e-9;
  static final double ZERO_GRAD_ABS_TOL = 1e-6;

  static BertForSequenceClassification model;
  static Fixture.Reference ref;

  @BeforeAll
  static void load() throws Exception {
    model = BertForSequenceClassification.load(Fixture.dir());
    ref = Fixture.reference();
  }

  @Test
  void labelsComeFromId2label() {
    assertEquals(List.of("positive", "negative", "neutral"), model.labels());
  }

  @Test
  void logitsMatchAsOnePaddedBatch() {
    int[][][] in = Fixture.paddedBatch(ref.items());
    float[][] logits = model.predictLogits(in[0], in[1], in[2]);
    double worst = 0;
    for (int i = 0; i < ref.items().size(); i++) {
      for (int k = 0; k < 3; k++) {
        worst = Math.max(worst, Math.abs(logits[i][k] - ref.items().get(i).logits()[k]));
      }
    }
    System.out.printf("logits (batch of %d): max |diff| = %.3e%n", ref.items().size(), worst);
    assertTrue(worst <= LOGIT_TOL, "batched logits differ by " + worst);
  }

  @Test
  void probabilitiesMatchAsOnePaddedBatch() {
    int[][][] in = Fixture.paddedBatch(ref.items());
    float[][] logits = model.predictLogits(in[0], in[1], in[2]);
    double worst = 0;
    for (int i = 0; i < ref.items().size(); i++) {
      // softmax in double over the float32 logits, as the facade turns logits into probabilities
      double max = Double.NEGATIVE_INFINITY;
      for (float l : logits[i]) {
        max = Math.max(max, l);
      }
      double sum = 0;
      double[] p = new double[logits[i].length];
      for (int k = 0; k < p.length; k++) {
        p[k] = Math.exp(logits[i][k] - max);
        sum += p[k];
      }
      for (int k = 0; k < p.length; k++) {
        worst = Math.max(worst, Math.abs(p[k] / sum - ref.items().get(i).probabilities()[k]));
      }
    }
    System.out.printf("probabilities (batch of %d): max |diff| = %.3e%n", ref.items().size(), worst);
    assertTrue(worst <= LOGIT_TOL, "batched probabilities differ by " + worst);
  }

  @Test
  void logitsMatchOneByOne() {
    double worst = 0;
    for (Fixture.Item it : ref.items()) {
      int[][][] in = Fixture.paddedBatch(List.of(it));
      float[] l = model.predictLogits(in[0], in[1], in[2])[0];
      for (int k = 0; k < 3; k++) {
        worst = Math.max(worst, Math.abs(l[k] - it.logits()[k]));
      }
    }
    System.out.printf("logits (one by one): max |diff| = %.3e%n", worst);
    assertTrue(worst <= LOGIT_TOL, "single logits differ by " + worst);
  }

  @Test
  void lossAndEveryGradientMatchReference() throws Exception {
    int[][][] in = Fixture.paddedBatch(ref.items());
    int[] labels = ref.items().stream().mapToInt(Fixture.Item::label).toArray();
    model.parameters().zeroGrad();
    double loss = model.forwardBackward(in[0], in[1], in[2], labels, null, false, 0L);
    System.out.printf("loss ours %.8f reference %.8f diff %.3e%n", loss, ref.loss(), Math.abs(loss - ref.loss()));
    assertEquals(ref.loss(), loss, LOSS_TOL, "loss");
    double worst = 0;
    String worstName = "";
    int checked = 0;
    try (TensorSource grads = Safetensors.open(Fixture.dir().resolve("grads.safetensors"))) {
      for (Parameter p : model.parameters()) {
        assertTrue(grads.contains(p.name()), "reference has no gradient for " + p.name());
        float[] r = grads.get(p.name()).toFloatArray();
        float[] o = p.grad().castTo(DataType.FLOAT).dup('c').data().asFloat();
        assertEquals(r.length, o.length, p.name());
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < r.length; i++) {
          diff += (o[i] - r[i]) * (double) (o[i] - r[i]);
          norm += r[i] * (double) r[i];
        }
        if (Math.sqrt(norm) < ZERO_GRAD_NORM) {
          System.out.printf("  %-60s zero gradient: |ours - ref| = %.3e (absolute)%n", p.name(), Math.sqrt(diff));
          assertTrue(Math.sqrt(diff) <= ZERO_GRAD_ABS_TOL, p.name() + " should be ~0, |diff| = " + Math.sqrt(diff));
          checked++;
          continue;
        }
        double rel = Math.sqrt(diff / norm);
        System.out.printf("  %-60s rel %.3e%n", p.name(), rel);
        if (rel > worst) {
          worst = rel;
          worstName = p.name();
        }
        checked++;
      }
      assertEquals(grads.names().size(), checked, "every reference gradient has a parameter");
    }
    System.out.printf("gradients: worst relative difference %.3e (%s) over %d tensors%n", worst, worstName, checked);
    assertTrue(worst <= GRAD_REL_TOL, "gradient of " + worstName + " differs by " + worst);
  }
}
