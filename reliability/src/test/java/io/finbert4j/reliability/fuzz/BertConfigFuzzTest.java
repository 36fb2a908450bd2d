package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code config.json}: any bytes as a file (invalid UTF-8 included) through {@link BertConfig#load}. Documented
 * failures: IOException (unreadable, not UTF-8), IllegalArgumentException naming the file and the key. A config
 * that loads must describe a buildable model: positive sizes, heads dividing the hidden size, labels matching.
 */
class BertConfigFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void load(byte[] data) {
    Path f = ParserContract.tempFile("config.json", data);
    try {
      ParserContract.check("BertConfig.load", () -> {
        BertConfig c = BertConfig.load(f);
        if (c.hiddenSize() <= 0 || c.numAttentionHeads() <= 0 || c.hiddenSize() % c.numAttentionHeads() != 0
            || c.numHiddenLayers() < 0 || c.vocabSize() <= 0 || c.intermediateSize() <= 0
            || c.maxPositionEmbeddings() <= 0 || c.labels().size() > Math.max(c.numLabels(), 0)) {
          ParserContract.violated("BertConfig.load", "accepted an unbuildable config " + c);
        }
      }, IOException.class, IllegalArgumentException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
