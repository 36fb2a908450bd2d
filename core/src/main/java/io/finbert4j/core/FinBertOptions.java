package io.finbert4j.core;

import io.finbert4j.core.quant.Precision;
import java.util.Objects;

/**
 * Inference options of {@link FinBert}.
 *
 * @param batchSize texts per forward pass (≥ 1); texts are sorted by length and batched in buckets
 *     of this size, each padded only to its own longest text
 * @param maxLength token limit per text, special tokens included; 0 means the default, the smaller of
 *     the tokenizer's {@code model_max_length} and the config's {@code max_position_embeddings}. It may
 *     not exceed {@code max_position_embeddings}.
 * @param precision inference precision of the encoder's matrix products ({@code --precision}); INT8 falls back
 *     to FLOAT32 where int8 is unavailable (see {@link BertForSequenceClassification#withPrecision})
 */
public record FinBertOptions(int batchSize, int maxLength, Precision precision) {

  /** Texts per forward pass unless told otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  /** Batch size 32, default max length. */
  public static final FinBertOptions DEFAULT = new FinBertOptions(DEFAULT_BATCH_SIZE, 0);

  /** float32 options. */
  public FinBertOptions(int batchSize, int maxLength) {
    this(batchSize, maxLength, Precision.FLOAT32);
  }

  public FinBertOptions {
    Objects.requireNonNull(precision, "precision must not be null (FLOAT32 or INT8)");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0 (0 = model default), got " + maxLength);
    }
  }

  /** A copy with another batch size. */
  public FinBertOptions withBatchSize(int n) {
    return new FinBertOptions(n, maxLength, precision);
  }

  /** A copy with another max length (0 = model default). */
  public FinBertOptions withMaxLength(int n) {
    return new FinBertOptions(batchSize, n, precision);
  }

  /**
   * A copy with another precision. It takes effect when a model is loaded ({@link FinBert#load(java.nio.file.Path,
   * FinBertOptions)}); {@link FinBert#withOptions} keeps the model it has.
   */
  public FinBertOptions withPrecision(Precision p) {
    return new FinBertOptions(batchSize, maxLength, p);
  }
}
