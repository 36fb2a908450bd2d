package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The tokenizer (the real FinBERT vocabulary of the fixture) on arbitrary UTF-16: the chars come straight from the
 * input, two bytes each, so lone surrogates, NULs, control characters, combining marks and private-use code points
 * all occur; a flag repeats the text up to 1 MB. Contract: no exception at all, and a valid encoding (ids in the
 * vocabulary, [CLS] ... [SEP], offsets inside the text, the max length kept).
 */
class TokenizerUnicodeFuzzTest {
  private static final int ONE_MB_CHARS = 1 << 20;
  /**
   * While fuzzing (JAZZER_FUZZ set) texts are repeated to 64 K chars only: a 1 MB text per input made the instrumented
   * fuzzer run 5 inputs in 90 s. The 1 MB case stays covered by the regression input {@code one-megabyte}.
   */
  private static final int REPEAT_TO = System.getenv("JAZZER_FUZZ") != null ? 1 << 16 : ONE_MB_CHARS;

  /**
   * Input layout (raw, so that seeds are easy to write): byte 0 flags (bit 0: repeat the text to 1 MB, bit 1: the
   * next chars up to a U+FFFF char form a text pair), bytes 1-2 the max length (big-endian, mod 600), then UTF-16BE
   * chars.
   */
  @FuzzTest(maxDuration = "2m")
  void encode(byte[] in) {
    if (in.length < 3) {
      return;
    }
    boolean huge = (in[0] & 1) != 0;
    boolean withPair = (in[0] & 2) != 0;
    int maxLength = (((in[1] & 0xFF) << 8) | (in[2] & 0xFF)) % 600;
    char[] chars = new char[(in.length - 3) / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((in[3 + 2 * i] & 0xFF) << 8) | (in[4 + 2 * i] & 0xFF));
    }
    String all = new String(chars);
    String pair = null;
    String text = all;
    int cut = all.indexOf('\uFFFF');
    if (withPair && cut >= 0) {
      text = all.substring(0, cut);
      pair = all.substring(cut + 1);
    }
    if (huge && !text.isEmpty()) {
      text = text.repeat(Math.max(1, REPEAT_TO / text.length()));
    }
    EncodingChecks.encodeAndCheck(Fixture.tokenizer(), text, pair, maxLength);
  }
}
