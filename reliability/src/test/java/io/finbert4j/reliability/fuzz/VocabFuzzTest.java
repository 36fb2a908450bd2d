package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.TokenizerConfig;
import io.finbert4j.tokenizer.TokenizerLoadException;
import java.nio.file.Path;

/**
 * {@code vocab.txt}: any bytes (invalid UTF-8, empty and duplicate lines, CR/LF mixes, special tokens missing).
 * Documented failure: {@link TokenizerLoadException} naming file and line. A tokenizer that loads must encode.
 */
class VocabFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void load(byte[] data) {
    Path f = ParserContract.tempFile("vocab.txt", data);
    try {
      ParserContract.check("BertTokenizer.fromVocab", () -> {
        BertTokenizer tok = BertTokenizer.fromVocab(f, TokenizerConfig.defaults());
        EncodingChecks.encodeAndCheck(tok, "Operating profit rose to EUR 13.1 mn [SEP] from 8.7", "ünïcödé", 32);
      }, TokenizerLoadException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
