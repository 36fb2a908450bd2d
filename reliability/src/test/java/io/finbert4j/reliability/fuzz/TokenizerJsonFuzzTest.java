package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.TokenizerLoadException;
import java.nio.file.Path;

/**
 * {@code tokenizer.json} (HF fast-tokenizer file): model, vocab, normalizer, pre-tokenizer, added tokens,
 * truncation. Documented failure: {@link TokenizerLoadException} naming the file. A tokenizer that loads must
 * encode. Seed: a small valid WordPiece tokenizer.json.
 */
class TokenizerJsonFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void load(byte[] data) {
    Path f = ParserContract.tempFile("tokenizer.json", data);
    try {
      ParserContract.check("BertTokenizer.fromTokenizerJson", () -> {
        BertTokenizer tok = BertTokenizer.fromTokenizerJson(f);
        EncodingChecks.encodeAndCheck(tok, "The profits rose to EUR 13 mn.", "from 1", 16);
      }, TokenizerLoadException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
