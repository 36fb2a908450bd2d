package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.TokenizerLoadException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code tokenizer_config.json} and {@code special_tokens_map.json} next to a small valid vocabulary: any JSON
 * (or not JSON), odd types, special tokens that are not in the vocabulary, huge or negative model_max_length.
 * Documented failure: {@link TokenizerLoadException} naming the file. A tokenizer that loads must encode.
 */
class TokenizerConfigFuzzTest {
  static final String VOCAB = String.join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "profit",
      "rose", "##s", "to", "eur", "mn", "from", ".", ",", "1", "3") + "\n";

  @FuzzTest(maxDuration = "2m")
  void load(byte[] in) throws Exception {
    // byte 0 = n: when n > 0 the next n bytes are special_tokens_map.json; the rest is tokenizer_config.json
    int n = in.length == 0 ? 0 : Math.min(in[0] & 0xFF, in.length - 1);
    byte[] special = n > 0 ? java.util.Arrays.copyOfRange(in, 1, 1 + n) : null;
    byte[] config = in.length == 0 ? in : java.util.Arrays.copyOfRange(in, 1 + n, in.length);
    Path f = ParserContract.tempFile("tokenizer_config.json", config);
    Path dir = f.getParent();
    try {
      Files.writeString(dir.resolve("vocab.txt"), VOCAB);
      if (special != null) {
        Files.write(dir.resolve("special_tokens_map.json"), special);
      }
      ParserContract.check("BertTokenizer.fromDirectory", () -> {
        BertTokenizer tok = BertTokenizer.fromDirectory(dir);
        EncodingChecks.encodeAndCheck(tok, "The profits rose to EUR 13 mn.", "from 1", 16);
      }, TokenizerLoadException.class);
    } finally {
      ParserContract.delete(dir);
    }
  }
}
