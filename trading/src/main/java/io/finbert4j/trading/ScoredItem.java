package io.finbert4j.trading;

import io.finbert4j.trading.data.NewsItem;
import java.util.Map;

/** A news item with the model's probabilities, keyed by the model's label names (id2label). */
public record ScoredItem(NewsItem item, Map<String, Double> probabilities) {
  public ScoredItem {
    probabilities = Map.copyOf(probabilities);
  }

  public double p(String label) {
    Double v = probabilities.get(label);
    return v == null ? 0 : v;
  }
}
