package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class LengthBucketSamplerTest {
  @Test
  void everyExampleOnceSimilarLengthsTogetherSeededOrder() {
    int n = 1000;
    int[] len = new Random(7).ints(n, 5, 120).toArray();
    LengthBucketSampler s = new LengthBucketSampler(len, 16, 10, 42);
    List<List<Integer>> e0 = s.epoch(0);
    assertEquals(s.numBatches(), e0.size());
    TreeSet<Integer> seen = new TreeSet<>();
    long spreadBucketed = 0;
    for (List<Integer> b : e0) {
      assertTrue(b.size() <= 16);
      seen.addAll(b);
      spreadBucketed += spread(b, len);
    }
    assertEquals(n, seen.size());
    assertEquals(0, seen.first());
    assertEquals(n - 1, seen.last());
    // same seed and epoch: same order; another epoch: another order
    assertEquals(e0, s.epoch(0));
    assertEquals(e0, new LengthBucketSampler(len, 16, 10, 42).epoch(0));
    assertNotEquals(e0, s.epoch(1));
    // bucketing cuts padding a lot compared with plain shuffled batches
    long spreadPlain = 0;
    for (List<Integer> b : new LengthBucketSampler(len, 16, 1, 42).epoch(0)) {
      spreadPlain += spread(b, len);
    }
    assertTrue(spreadBucketed * 3 < spreadPlain, spreadBucketed + " vs " + spreadPlain);
  }

  private static long spread(List<Integer> b, int[] len) {
    List<Integer> l = new ArrayList<>();
    b.forEach(i -> l.add(len[i]));
    return l.stream().mapToInt(x -> x).max().orElse(0) - l.stream().mapToInt(x -> x).min().orElse(0);
  }
}
