package io.finbert4j.tokenizer;

/**
 * The character classes of Hugging Face's Rust {@code BertNormalizer} and {@code BertPreTokenizer}, which
 * the parity tests check code point by code point against the Rust tokenizer.
 *
 * <ul>
 *   <li>whitespace: Rust's {@code char::is_whitespace} (the Unicode White_Space property);
 *   <li>"other" (dropped by clean-text): general categories Cc, Cf, Co, Cs (not Cn: unassigned code
 *       points are kept, as the Rust tokenizer keeps them);
 *   <li>punctuation (isolated by the pre-tokenizer): ASCII 33–47, 58–64, 91–96, 123–126 and categories P*;
 *   <li>CJK ideographs: the ranges of BERT's {@code _is_chinese_char} as the Rust code spells them
 *       (its Extension E range starts at U+2B920, not U+2B820);
 *   <li>non-spacing marks: category Mn.
 * </ul>
 *
 * <p>Categories are those of the Rust tokenizer's Unicode 8.0 tables ({@link RustUnicodeTables}).
 */
final class UnicodeClasses {
  /** Pre-tokenizer classes of a normalized char. */
  static final byte WORD = 0;
  static final byte SPACE = 1;
  static final byte PUNCT = 2;

  private static final int BMP_SIZE = 0x10000;
  /** Pre-tokenizer class of every BMP code point (read directly on the hot path). */
  static final byte[] BMP_CLASS = new byte[BMP_SIZE];

  static {
    for (int cp = 0; cp < BMP_SIZE; cp++) {
      BMP_CLASS[cp] = classifySlow(cp);
    }
  }

  private UnicodeClasses() {}

  /** The pre-tokenizer class of a code point. */
  static byte preTokenizerClass(int cp) {
    return cp < BMP_SIZE ? BMP_CLASS[cp] : classifySlow(cp);
  }

  private static byte classifySlow(int cp) {
    if (isWhitespace(cp)) {
      return SPACE;
    }
    return isPunctuation(cp) ? PUNCT : WORD;
  }

  /** Rust {@code char::is_whitespace}: the Unicode White_Space property (a fixed, stable list). */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F
        || cp == 0x205F || cp == 0x3000;
  }

  /** Categories Cc, Cf, Co, Cs (as the Rust tables know them): dropped by the clean-text step. */
  static boolean isOther(int cp) {
    return RustUnicodeTables.contains(RustUnicodeTables.OTHER, cp);
  }

  /** BERT punctuation: every ASCII non-alphanumeric printable and every Unicode P* character. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    return RustUnicodeTables.contains(RustUnicodeTables.PUNCTUATION, cp);
  }

  /** Category Mn (as the Rust tables know it). */
  static boolean isNonSpacingMark(int cp) {
    return RustUnicodeTables.contains(RustUnicodeTables.NON_SPACING_MARK, cp);
  }

  /** BERT's CJK ideograph ranges, as in the Rust BertNormalizer. */
  static boolean isChineseChar(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F)
        || (cp >= 0x2B740 && cp <= 0x2B81F)
        || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }

  /**
   * Appends Rust's {@code char::to_lowercase(cp)}: the full, unconditional Unicode lower-case mapping. The
   * only code point whose full mapping differs from the simple one is U+0130 (İ → i + U+0307).
   */
  static void appendLowercase(StringBuilder sb, int cp) {
    if (cp == 0x130) {
      sb.append('i').append('\u0307');
    } else {
      sb.appendCodePoint(Character.toLowerCase(cp));
    }
  }
}
