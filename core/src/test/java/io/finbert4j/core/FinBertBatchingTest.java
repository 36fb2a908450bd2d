package io.finbert4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Dynamic padding by length buckets, checked with a stand-in model whose logits depend only on the
 * unpadded ids (so any mix-up of order or padding shows) and which records every batch's shape.
 */
class FinBertBatchingTest {
  static final Path FIXTURE = FinBertTest.FIXTURE;

  /** Logits from the real (mask = 1) tokens only: {count, sum of ids mod 1000, first type-1 position}. */
  static float[] fakeLogits(int[] ids, int[] mask, int[] types) {
    int count = 0;
    long sum = 0;
    int firstB = -1;
    for (int t = 0; t < ids.length; t++) {
      if (mask[t] == 1) {
        count++;
        sum += ids[t];
        if (types[t] == 1 && firstB < 0) {
          firstB = t;
        }
      }
    }
    return new float[] {count, sum % 1000, firstB};
  }

  @Test
  void eachBucketIsPaddedToItsOwnLongestAndOrderIsKept() throws IOException {
    BertTokenizer tok = BertTokenizer.fromDirectory(FIXTURE);
    BertConfig cfg = BertConfig.load(FIXTURE.resolve("config.json"));
    List<int[]> shapes = Collections.synchronizedList(new ArrayList<>());
    List<Integer> realLengths = Collections.synchronizedList(new ArrayList<>());
    FinBert.LogitsModel fake = (ids, mask, types) -> {
      shapes.add(new int[] {ids.length, ids[0].length});
      float[][] out = new float[ids.length][];
      for (int b = 0; b < ids.length; b++) {
        assertEquals(ids[0].length, ids[b].length, "rectangular batch");
        out[b] = fakeLogits(ids[b], mask[b], types[b]);
      }
      return out;
    };
    FinBert fb = FinBert.create(tok, cfg, fake, new FinBertOptions(4, 0));
    Random rnd = new Random(11);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 37; i++) {
      StringBuilder sb = new StringBuilder();
      int words = rnd.nextInt(40);
      for (int w = 0; w < words; w++) {
        sb.append(w % 3 == 0 ? "profit " : "shares ");
      }
      texts.add(sb.toString());
    }
    List<SentimentResult> rs = fb.analyze(texts);
    assertEquals(texts.size(), rs.size());
    for (int i = 0; i < texts.size(); i++) {
      var e = tok.encode(texts.get(i));
      float[] expected = fakeLogits(e.inputIds(), e.attentionMask(), e.tokenTypeIds());
      assertEquals(expected[0], rs.get(i).logits()[0], "token count of text " + i + " (order kept)");
      assertEquals(expected[1], rs.get(i).logits()[1], "id sum of text " + i + " (order kept)");
      assertEquals(e.length(), rs.get(i).tokens());
      realLengths.add(e.length());
    }
    // buckets: batches of 4 (last one 1), lengths non-decreasing from batch to batch, and each padded
    // to exactly the longest text it holds: with sorted lengths, batch k's T is the (4k+3)-th smallest
    List<Integer> sorted = new ArrayList<>(realLengths);
    Collections.sort(sorted);
    assertEquals(10, shapes.size());
    for (int k = 0; k < shapes.size(); k++) {
      int size = Math.min(4, texts.size() - 4 * k);
      assertEquals(size, shapes.get(k)[0], "batch " + k + " size");
      assertEquals((int) sorted.get(4 * k + size - 1), shapes.get(k)[1], "batch " + k + " padded length");
    }
    long padded = shapes.stream().mapToLong(s -> (long) s[0] * s[1]).sum();
    long real = realLengths.stream().mapToLong(Integer::longValue).sum();
    long naive = (long) texts.size() * sorted.get(sorted.size() - 1);
    assertTrue(padded < naive, "bucketing pads less than padding all to the longest");
    assertTrue(padded >= real);
  }

  @Test
  void pairsKeepTheirSegments() throws IOException {
    BertTokenizer tok = BertTokenizer.fromDirectory(FIXTURE);
    BertConfig cfg = BertConfig.load(FIXTURE.resolve("config.json"));
    FinBert fb = FinBert.create(tok, cfg, (ids, mask, types) -> {
      float[][] out = new float[ids.length][];
      for (int b = 0; b < ids.length; b++) {
        out[b] = fakeLogits(ids[b], mask[b], types[b]);
      }
      return out;
    }, FinBertOptions.DEFAULT);
    List<SentimentResult> rs = fb.analyzePairs(List.of(
        new String[] {"Profit warning issued", "Shares fell sharply in early trading."},
        new String[] {"no pair"},
        new String[] {"pair is null", null}));
    assertEquals(5, rs.get(0).logits()[2], "[CLS] profit warning issued [SEP] → B starts at 5");
    assertEquals(-1, rs.get(1).logits()[2]);
    assertEquals(-1, rs.get(2).logits()[2]);
  }
}
