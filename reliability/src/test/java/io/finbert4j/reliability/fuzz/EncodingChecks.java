package io.finbert4j.reliability.fuzz;

import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;

/** Invariants of an encoding of any text: what a valid result means for the tokenizer targets. */
final class EncodingChecks {
  private EncodingChecks() {}

  /** Encodes {@code text} (and the pair, may be null) with and without truncation and checks every invariant. */
  static void encodeAndCheck(BertTokenizer tok, String text, String pair, int maxLength) {
    check(tok, text, pair, tok.encode(text, pair, EncodeOptions.truncateTo(maxLength)), maxLength);
    Encoding full = tok.encode(text, pair, EncodeOptions.noTruncation());
    check(tok, text, pair, full, Integer.MAX_VALUE);
    tok.decode(full.inputIds(), true);
    tok.decode(full.inputIds(), false);
  }

  private static void check(BertTokenizer tok, String text, String pair, Encoding e, int maxLength) {
    String who = "BertTokenizer.encode";
    int n = e.inputIds().length;
    int specials = pair == null ? 2 : 3;
    if (n > Math.max(maxLength, specials)) {
      ParserContract.violated(who, n + " ids exceed max length " + maxLength);
    }
    if (n < specials || e.inputIds()[0] != tok.clsId() || e.inputIds()[n - 1] != tok.sepId()) {
      ParserContract.violated(who, "encoding does not start with [CLS] and end with [SEP]");
    }
    int textLen = text.length();
    int pairLen = pair == null ? 0 : pair.length();
    for (int i = 0; i < n; i++) {
      int id = e.inputIds()[i];
      if (id < 0 || id >= tok.vocabSize()) {
        ParserContract.violated(who, "id " + id + " outside the vocabulary of " + tok.vocabSize());
      }
      if (e.tokens()[i] == null) {
        ParserContract.violated(who, "null token at " + i);
      }
      int[] o = e.offsets()[i];
      int limit = e.tokenTypeIds()[i] == 0 ? textLen : pairLen;
      if (o.length != 2 || o[0] < 0 || o[1] < o[0] || o[1] > limit) {
        ParserContract.violated(who, "offsets " + java.util.Arrays.toString(o) + " outside the text of " + limit
            + " chars at token " + i);
      }
      if (e.attentionMask()[i] != 1) {
        ParserContract.violated(who, "unpadded encoding with a mask of 0 at " + i);
      }
    }
  }
}
