package io.finbert4j.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The classification of one text (or text pair) by {@link FinBert}.
 *
 * @param label the most probable label's name (from {@code config.json} {@code id2label}; ties go to
 *     the lower id, as {@code argmax} does)
 * @param labelId the id of {@code label}
 * @param probabilities softmax of the logits for every label, by name, in id order (unmodifiable)
 * @param logits the raw classifier outputs, {@code [numLabels]} in id order
 * @param sentimentScore {@code P(positive) − P(negative)} in [-1, 1] when the model has labels named
 *     {@code positive} and {@code negative} (case-insensitive); {@link Double#NaN} otherwise (see
 *     {@link #sentiment()})
 * @param truncated whether the input was longer than the max length and cut (Hugging Face
 *     {@code longest_first}); the classification then saw only the first {@code tokens} tokens
 * @param tokens tokens fed to the model, {@code [CLS]} and {@code [SEP]} included, padding excluded
 * @param truncatedTokens word pieces that truncation removed (0 when {@code truncated} is false)
 */
public record SentimentResult(
    String label,
    int labelId,
    Map<String, Double> probabilities,
    float[] logits,
    double sentimentScore,
    boolean truncated,
    int tokens,
    int truncatedTokens) {

  public SentimentResult {
    probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    logits = logits.clone();
  }

  /** The sentiment score, empty when the labels include no {@code positive} / {@code negative} pair. */
  public OptionalDouble sentiment() {
    return Double.isNaN(sentimentScore) ? OptionalDouble.empty() : OptionalDouble.of(sentimentScore);
  }

  /** The probability of the label named {@code name} (exact name as in {@code id2label}). */
  public double probability(String name) {
    Double p = probabilities.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no label '" + name + "'; labels are " + probabilities.keySet());
    }
    return p;
  }

  /** The logits (a copy). */
  @Override
  public float[] logits() {
    return logits.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SentimentResult r
        && labelId == r.labelId
        && truncated == r.truncated
        && tokens == r.tokens
        && truncatedTokens == r.truncatedTokens
        && label.equals(r.label)
        && probabilities.equals(r.probabilities)
        && Arrays.equals(logits, r.logits)
        && Double.compare(sentimentScore, r.sentimentScore) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * label.hashCode() + Arrays.hashCode(logits);
  }

  @Override
  public String toString() {
    return "SentimentResult{label=" + label + ", probabilities=" + probabilities + ", logits="
        + Arrays.toString(logits) + ", sentimentScore=" + sentimentScore + ", truncated=" + truncated
        + ", tokens=" + tokens + "}";
  }
}
