package io.finbert4j.core.train;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.tokenizer.BertTokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Evaluation of a sequence classifier on labelled examples (eval mode, no dropout). */
public final class Evaluator {
  private Evaluator() {}

  /** The model's predicted class ids for already tokenized examples, in their order. */
  public static int[] predict(BertForSequenceClassification model, List<Batch.Encoded> data, int padId,
      int batchSize) {
    // Length-sorted batches waste little compute on padding; results go back to the original positions.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingInt((Integer i) -> data.get(i).length()));
    int[] pred = new int[data.size()];
    for (int s = 0; s < order.size(); s += batchSize) {
      List<Integer> idx = order.subList(s, Math.min(order.size(), s + batchSize));
      List<Batch.Encoded> items = new ArrayList<>(idx.size());
      for (int i : idx) {
        items.add(data.get(i));
      }
      Batch b = Batch.pad(items, padId);
      float[][] logits = model.forwardLogits(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), false, 0L);
      int[] am = Metrics.argmax(logits);
      for (int k = 0; k < idx.size(); k++) {
        pred[idx.get(k)] = am[k];
      }
    }
    return pred;
  }

  /** Metrics of {@code model} on {@code data} (tokenized with {@code maxLength}). */
  public static Metrics evaluate(BertForSequenceClassification model, BertTokenizer tokenizer,
      List<LabeledExample> data, int maxLength, int batchSize) {
    List<Batch.Encoded> enc = Batch.encode(tokenizer, data, maxLength);
    return evaluateEncoded(model, enc, tokenizer.padId(), batchSize);
  }

  public static Metrics evaluateEncoded(BertForSequenceClassification model, List<Batch.Encoded> data, int padId,
      int batchSize) {
    int[] gold = data.stream().mapToInt(Batch.Encoded::label).toArray();
    int[] pred = predict(model, data, padId, batchSize);
    return Metrics.of(model.config().labels(), gold, pred);
  }
}
