package io.finbert4j.core.train;

import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.util.ArrayList;
import java.util.List;

/**
 * A padded batch ready for the model: rectangular [B][T] ids / mask / token types (T = longest example of the
 * batch, padding id and mask 0 after it) and [B] labels.
 */
public record Batch(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[] labels) {

  /** One tokenized example (no padding): ids and token types of equal length, and its class id. */
  public record Encoded(int[] inputIds, int[] tokenTypeIds, int label) {
    public int length() {
      return inputIds.length;
    }
  }

  public int size() {
    return labels.length;
  }

  /** Tokenizes every example once, truncated to {@code maxLength} tokens (specials included), no padding. */
  public static List<Encoded> encode(BertTokenizer tokenizer, List<LabeledExample> examples, int maxLength) {
    EncodeOptions opts = new EncodeOptions(maxLength, true, EncodeOptions.Padding.NONE);
    List<Encoded> out = new ArrayList<>(examples.size());
    for (LabeledExample e : examples) {
      Encoding enc = tokenizer.encode(e.text(), e.textPair(), opts);
      out.add(new Encoded(enc.inputIds(), enc.tokenTypeIds(), e.label()));
    }
    return out;
  }

  /** Pads {@code items} to the longest with {@code padId}, attention mask 1 on tokens and 0 on padding. */
  public static Batch pad(List<Encoded> items, int padId) {
    int b = items.size();
    int t = 0;
    for (Encoded e : items) {
      t = Math.max(t, e.length());
    }
    int[][] ids = new int[b][t];
    int[][] mask = new int[b][t];
    int[][] types = new int[b][t];
    int[] labels = new int[b];
    for (int i = 0; i < b; i++) {
      Encoded e = items.get(i);
      int n = e.length();
      System.arraycopy(e.inputIds(), 0, ids[i], 0, n);
      System.arraycopy(e.tokenTypeIds(), 0, types[i], 0, n);
      for (int j = 0; j < t; j++) {
        mask[i][j] = j < n ? 1 : 0;
        if (j >= n) {
          ids[i][j] = padId;
        }
      }
      labels[i] = e.label();
    }
    return new Batch(ids, mask, types, labels);
  }

  /** Consecutive batches of {@code batchSize} in the given order (evaluation: sorted by length for less padding). */
  public static List<List<Integer>> sequential(int n, int batchSize) {
    List<List<Integer>> out = new ArrayList<>();
    for (int s = 0; s < n; s += batchSize) {
      List<Integer> b = new ArrayList<>();
      for (int i = s; i < Math.min(n, s + batchSize); i++) {
        b.add(i);
      }
      out.add(b);
    }
    return out;
  }
}
