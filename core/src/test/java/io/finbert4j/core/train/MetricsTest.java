package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
  private static final List<String> LABELS = List.of("positive", "negative", "neutral");

  @Test
  void matchesHandComputedScikitLearnValues() {
    // gold:      0 0 0 1 1 2 2 2 2 2
    // predicted: 0 0 2 1 0 2 2 2 1 2
    int[] gold = {0, 0, 0, 1, 1, 2, 2, 2, 2, 2};
    int[] pred = {0, 0, 2, 1, 0, 2, 2, 2, 1, 2};
    Metrics m = Metrics.of(LABELS, gold, pred);
    assertEquals(0.7, m.accuracy(), 1e-12);
    // class 0: tp 2, predicted 3, support 3 -> p 2/3 r 2/3
    assertEquals(2.0 / 3, m.precision(0), 1e-12);
    assertEquals(2.0 / 3, m.recall(0), 1e-12);
    // class 1: tp 1, predicted 2, support 2 -> p 1/2 r 1/2
    assertEquals(0.5, m.f1(1), 1e-12);
    // class 2: tp 4, predicted 5, support 5 -> p 0.8 r 0.8
    assertEquals(0.8, m.f1(2), 1e-12);
    assertEquals((2.0 / 3 + 0.5 + 0.8) / 3, m.macroF1(), 1e-12);
    assertArrayEquals(new long[] {2, 0, 1}, m.confusion()[0]);
    assertArrayEquals(new long[] {1, 1, 0}, m.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 4}, m.confusion()[2]);
    ObjectNode j = m.toJson();
    assertEquals(0.7, j.get("accuracy").asDouble(), 1e-12);
    assertEquals(5, j.get("per_class").get("neutral").get("support").asInt());
    assertEquals(4, j.get("confusion_matrix").get(2).get(2).asInt());
    String table = m.toTable();
    assertTrue(table.contains("accuracy 0.7000"), table);
    assertTrue(table.contains("negative"), table);
  }

  @Test
  void undefinedRatiosCountAsZero() {
    Metrics m = Metrics.of(LABELS, new int[] {0, 0}, new int[] {0, 0});
    assertEquals(1.0, m.accuracy());
    assertEquals(0.0, m.precision(1));
    assertEquals(0.0, m.f1(2));
    assertEquals(1.0 / 3, m.macroF1(), 1e-12);
  }

  @Test
  void argmaxTakesTheFirstOfTies() {
    assertArrayEquals(new int[] {1, 0, 2}, Metrics.argmax(new float[][] {{0, 2, 1}, {3, 3, 1}, {-1, -2, 0}}));
  }

  @Test
  void rejectsOutOfRangeClass() {
    assertThrows(IllegalArgumentException.class, () -> Metrics.of(LABELS, new int[] {3}, new int[] {0}));
  }
}
