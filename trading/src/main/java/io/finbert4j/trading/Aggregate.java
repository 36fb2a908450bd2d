package io.finbert4j.trading;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A symbol's news over a look-back window: weighted mean probabilities (by label name), the sentiment score
 * {@code P(positive) - P(negative)} of those means, and the item count.
 */
public record Aggregate(String symbol, int items, Map<String, Double> probabilities, double score) {
  /** Aggregates {@code items} (any order; sorted oldest first here) as seen at {@code now}. */
  public static Aggregate of(String symbol, List<ScoredItem> items, Instant now, Weighting weighting,
      SentimentLabels labels) {
    List<ScoredItem> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.comparing((ScoredItem s) -> s.item().available()).thenComparing(s -> s.item().id()));
    Map<String, Double> mean = new LinkedHashMap<>();
    for (String l : labels.labels()) {
      mean.put(l, 0.0);
    }
    if (sorted.isEmpty()) {
      return new Aggregate(symbol, 0, mean, 0);
    }
    double[] w = weighting.weights(sorted.stream().map(s -> s.item().available()).toList(), now);
    for (int i = 0; i < sorted.size(); i++) {
      for (String l : labels.labels()) {
        mean.merge(l, w[i] * sorted.get(i).p(l), Double::sum);
      }
    }
    return new Aggregate(symbol, sorted.size(), mean, mean.get(labels.positive()) - mean.get(labels.negative()));
  }

  public double p(String label) {
    Double v = probabilities.get(label);
    return v == null ? 0 : v;
  }
}
