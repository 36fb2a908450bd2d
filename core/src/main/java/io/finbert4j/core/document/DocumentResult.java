package io.finbert4j.core.document;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The classification of a long text by {@link io.finbert4j.core.FinBert#analyzeDocument(String)}.
 *
 * @param label the most probable label of the aggregated probabilities
 * @param probabilities aggregated probabilities by label name, in id order (unmodifiable)
 * @param sentimentScore {@code P(positive) − P(negative)} of the aggregated probabilities, {@link Double#NaN}
 *     when the model has no labels named positive and negative
 * @param aggregation how the parts were combined
 * @param parts every classified part in document order, with offsets into the original text
 * @param windowed whether at least one sentence was longer than the max length and split into windows
 */
public record DocumentResult(
    String label,
    Map<String, Double> probabilities,
    double sentimentScore,
    DocumentOptions.Aggregation aggregation,
    List<DocumentPart> parts,
    boolean windowed) {

  public DocumentResult {
    probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    parts = List.copyOf(parts);
  }

  /** The sentiment score, empty when the labels include no positive / negative pair. */
  public OptionalDouble sentiment() {
    return Double.isNaN(sentimentScore) ? OptionalDouble.empty() : OptionalDouble.of(sentimentScore);
  }

  /**
   * Whether any part was truncated. Always false by construction (long sentences are windowed, not cut);
   * kept so that callers can assert it.
   */
  public boolean truncated() {
    return parts.stream().anyMatch(p -> p.result().truncated());
  }

  /** Tokens classified over all parts (windows' shared tokens counted once per window). */
  public int tokens() {
    return parts.stream().mapToInt(p -> p.result().tokens()).sum();
  }
}
