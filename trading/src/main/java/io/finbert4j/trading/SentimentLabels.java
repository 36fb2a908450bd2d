package io.finbert4j.trading;

import java.util.List;
import java.util.Locale;

/**
 * The model's names for positive, negative and neutral, found in its id2label <em>by name</em> (case-insensitive),
 * never by index: ProsusAI/finbert is {@code 0 positive, 1 negative, 2 neutral}, other models differ.
 */
public record SentimentLabels(List<String> labels, String positive, String negative, String neutral) {
  public static SentimentLabels of(List<String> labels) {
    String pos = find(labels, "positive");
    String neg = find(labels, "negative");
    String neu = find(labels, "neutral");
    if (pos == null || neg == null) {
      throw new IllegalArgumentException("the model's labels " + labels + " have no 'positive' and 'negative': "
          + "a sentiment score P(positive) - P(negative) needs both (by name, from config.json id2label)");
    }
    return new SentimentLabels(List.copyOf(labels), pos, neg, neu);
  }

  private static String find(List<String> labels, String name) {
    for (String l : labels) {
      if (l.toLowerCase(Locale.ROOT).equals(name)) {
        return l;
      }
    }
    return null;
  }
}
