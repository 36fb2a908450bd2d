package io.finbert4j.tests.tokenizer;

import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Unicode code point (surrogates excepted), alone and between two letters ("a" + c + "b"), through
 * our tokenizer and Hugging Face's Rust tokenizer: this pins down the character classes (dropped,
 * whitespace, punctuation, CJK, non-spacing mark) and the lower-casing / accent stripping of each one,
 * including where the Rust tables (Unicode 8.0 categories) and Java's (Unicode 13.0) differ.
 */
class TokenizerCodePointParityTest {
  private static final int MAX_CODE_POINT = 0x10FFFF;
  private static final int CHUNK = 4096;

  @TempDir Path tmp;

  @Test
  void everyCodePointTokenizesAsInRust() throws IOException {
    Path json = RustOracle.copyTokenizerJson(tmp);
    BertTokenizer ours = BertTokenizer.fromTokenizerJson(json);
    List<String> bad = new ArrayList<>();
    int checked = 0;
    try (HuggingFaceTokenizer rust = RustOracle.plain(json)) {
      List<String> texts = new ArrayList<>(CHUNK);
      for (int cp = 0; cp <= MAX_CODE_POINT; cp++) {
        if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
          continue;
        }
        String c = Character.toString(cp);
        texts.add("a" + c + "b");
        texts.add(c);
        if (texts.size() >= CHUNK || cp == MAX_CODE_POINT) {
          ai.djl.huggingface.tokenizers.Encoding[] want = rust.batchEncode(texts);
          for (int i = 0; i < texts.size(); i++) {
            int[] w = RustOracle.ints(want[i].getIds());
            int[] g = ours.encode(texts.get(i), null, EncodeOptions.noTruncation()).inputIds();
            if (!Arrays.equals(w, g)) {
              bad.add(String.format("U+%04X in %s: ours %s, rust %s", texts.get(i).codePointAt(i % 2 == 0 ? 1 : 0),
                  RustOracle.escape(texts.get(i)), Arrays.toString(g), Arrays.toString(w)));
            }
          }
          checked += texts.size();
          texts.clear();
        }
      }
    }
    if (!bad.isEmpty()) {
      fail(bad.size() + " of " + checked + " code point texts differ; first: " + String.join("; ", bad.subList(0, Math.min(10, bad.size()))));
    }
    System.out.println("code point sweep: " + checked + " texts identical");
  }
}
