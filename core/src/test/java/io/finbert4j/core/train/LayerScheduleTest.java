package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LayerScheduleTest {
  private static final int L = 4;
  private static final int EMB = -1;

  @Test
  void discriminativeRatesDecayFromTheHead() {
    LayerSchedule s = new LayerSchedule(L, 0.5, LayerSchedule.Freeze.NONE, 0);
    assertEquals(1.0, s.lrScale(L), 0);
    assertEquals(0.5, s.lrScale(L - 1), 0);
    assertEquals(Math.pow(0.5, L), s.lrScale(0), 0);
    assertEquals(Math.pow(0.5, L + 1), s.lrScale(EMB), 0); // embeddings: the lowest
  }

  @Test
  void freezeOptions() {
    LayerSchedule all = new LayerSchedule(L, 1, LayerSchedule.Freeze.parse("all"), 0);
    assertTrue(all.trainable(L, 0));
    assertFalse(all.trainable(L - 1, 0));
    assertFalse(all.trainable(EMB, 0));
    LayerSchedule last2 = new LayerSchedule(L, 1, LayerSchedule.Freeze.parse("last:2"), 0);
    assertTrue(last2.trainable(L - 1, 0));
    assertTrue(last2.trainable(L - 2, 0));
    assertFalse(last2.trainable(L - 3, 0));
    assertFalse(last2.trainable(EMB, 0));
    LayerSchedule emb = new LayerSchedule(L, 1, LayerSchedule.Freeze.parse("embeddings"), 0);
    assertFalse(emb.trainable(EMB, 0));
    assertTrue(emb.trainable(0, 0));
    assertThrows(IllegalArgumentException.class, () -> LayerSchedule.Freeze.parse("last:x"));
    assertThrows(IllegalArgumentException.class, () -> LayerSchedule.Freeze.parse("bottom"));
  }

  @Test
  void gradualUnfreezingOpensOneLayerFromTheTopPerInterval() {
    LayerSchedule s = new LayerSchedule(L, 1, LayerSchedule.Freeze.NONE, 10);
    // steps 0..9: only the head
    assertTrue(s.trainable(L, 0));
    assertFalse(s.trainable(L - 1, 9));
    // steps 10..19: + top layer
    assertTrue(s.trainable(L - 1, 10));
    assertFalse(s.trainable(L - 2, 19));
    // after L intervals all encoder layers, after L+1 the embeddings too
    assertTrue(s.trainable(0, 10L * L));
    assertFalse(s.trainable(EMB, 10L * L));
    assertTrue(s.trainable(EMB, 10L * (L + 1)));
    // freezing still wins over unfreezing
    LayerSchedule f = new LayerSchedule(L, 1, LayerSchedule.Freeze.parse("embeddings"), 10);
    assertFalse(f.trainable(EMB, 1000));
  }
}
