package io.finbert4j.tokenizer;

/**
 * How {@link BertTokenizer#encode(String, String, EncodeOptions)} truncates and pads.
 *
 * <p>Mirrors the {@code max_length}, {@code truncation=True} (Hugging Face {@code longest_first},
 * as the Rust tokenizers library implements it) and {@code padding} arguments of a Hugging Face
 * tokenizer call.
 *
 * @param maxLength the length limit including the special tokens; {@code 0} means the tokenizer's
 *     {@link BertTokenizer#modelMaxLength()}; a positive value overrides it
 * @param truncation whether sequences longer than the limit are cut (pairs: longest first)
 * @param padding where to pad to; padding never truncates
 */
public record EncodeOptions(int maxLength, boolean truncation, Padding padding) {

  /** Padding target, as Hugging Face's {@code padding=False / 'longest' / 'max_length'}. */
  public enum Padding {
    /** No padding: every encoding has its own length. */
    NONE,
    /** Pad every encoding of a batch to the longest one of that batch (a single encode is unchanged). */
    LONGEST,
    /** Pad every encoding to the effective max length (which must then be finite). */
    MAX_LENGTH
  }

  /** Truncate to {@code model_max_length}, no padding. */
  public static final EncodeOptions DEFAULT = new EncodeOptions(0, true, Padding.NONE);

  public EncodeOptions {
    if (maxLength < 0) {
      throw new IllegalArgumentException("maxLength must be >= 0 (0 = model_max_length), got " + maxLength);
    }
    if (padding == null) {
      throw new IllegalArgumentException("padding must not be null (use Padding.NONE)");
    }
  }

  /** No truncation, no padding. */
  public static EncodeOptions noTruncation() {
    return new EncodeOptions(0, false, Padding.NONE);
  }

  /** Truncation to {@code maxLength} tokens (special tokens included), no padding. */
  public static EncodeOptions truncateTo(int maxLength) {
    return new EncodeOptions(maxLength, true, Padding.NONE);
  }

  /** A copy with another max length. */
  public EncodeOptions withMaxLength(int newMaxLength) {
    return new EncodeOptions(newMaxLength, truncation, padding);
  }

  /** A copy with another padding mode. */
  public EncodeOptions withPadding(Padding newPadding) {
    return new EncodeOptions(maxLength, truncation, newPadding);
  }

  /** A copy with truncation switched on or off. */
  public EncodeOptions withTruncation(boolean newTruncation) {
    return new EncodeOptions(maxLength, newTruncation, padding);
  }
}
