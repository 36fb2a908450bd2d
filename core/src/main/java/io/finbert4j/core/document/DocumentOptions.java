package io.finbert4j.core.document;

/**
 * How {@link io.finbert4j.core.FinBert#analyzeDocument(String, DocumentOptions)} splits and aggregates.
 *
 * @param aggregation how the parts' probabilities combine into the document's
 * @param stride tokens shared by consecutive windows when a sentence is longer than the max length
 *     (as Hugging Face's {@code stride} with {@code return_overflowing_tokens}); {@link #DEFAULT_STRIDE}
 *     means a quarter of the window's capacity; must be smaller than the capacity {@code maxLength − 2}
 */
public record DocumentOptions(Aggregation aggregation, int stride) {

  /** Marker for "a quarter of the window capacity". */
  public static final int DEFAULT_STRIDE = -1;

  /** Token-weighted mean, default stride. */
  public static final DocumentOptions DEFAULT =
      new DocumentOptions(Aggregation.TOKEN_WEIGHTED_MEAN, DEFAULT_STRIDE);

  /** How part probabilities become document probabilities. */
  public enum Aggregation {
    /**
     * Mean of the parts' probability vectors weighted by each part's token count
     * ({@link io.finbert4j.core.SentimentResult#tokens()}, {@code [CLS]}/{@code [SEP]} included), so a
     * long sentence counts more than a short one; tokens shared by overlapping windows count once per window.
     */
    TOKEN_WEIGHTED_MEAN,
    /** Plain mean of the parts' probability vectors: every sentence / window counts the same. */
    MEAN
  }

  public DocumentOptions {
    if (aggregation == null) {
      throw new IllegalArgumentException("aggregation must not be null");
    }
    if (stride < 0 && stride != DEFAULT_STRIDE) {
      throw new IllegalArgumentException("stride must be >= 0 or DEFAULT_STRIDE (-1), got " + stride);
    }
  }

  /** A copy with another aggregation. */
  public DocumentOptions withAggregation(Aggregation a) {
    return new DocumentOptions(a, stride);
  }

  /** A copy with another stride. */
  public DocumentOptions withStride(int s) {
    return new DocumentOptions(aggregation, s);
  }
}
