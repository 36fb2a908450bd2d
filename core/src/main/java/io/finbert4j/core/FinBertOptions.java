package io.finbert4j.core;

/**
 * Inference options of {@link FinBert}.
 *
 * @param batchSize texts per forward pass (≥ 1); texts are sorted by length and batched in buckets
 *     of this size, each padded only to its own longest text
 * @param maxLength token limit per text, special tokens included; 0 means the default, the smaller of
 *     the tokenizer's {@code model_max_length} and the config's {@code max_position_embeddings}. It may
 *     not exceed {@code max_position_embeddings}.
 */
public record FinBertOptions(int batchSize, int maxLength) {

  /** Texts per forward pass unless told otherwise. */
  public static final int DEFAULT_BATCH_SIZE = 32;

  /** Batch size 32, default max length. */
  public static final FinBertOptions DEFAULT = new FinBertOptions(DEFAULT_BATCH_SIZE, 0);

  public FinBertOptions {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0 (0 = model default), got " + maxLength);
    }
  }

  /** A copy with another batch size. */
  public FinBertOptions withBatchSize(int n) {
    return new FinBertOptions(n, maxLength);
  }

  /** A copy with another max length (0 = model default). */
  public FinBertOptions withMaxLength(int n) {
    return new FinBertOptions(batchSize, n);
  }
}
