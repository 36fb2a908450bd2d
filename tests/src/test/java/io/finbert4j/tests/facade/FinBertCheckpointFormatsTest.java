package io.finbert4j.tests.facade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.core.document.DocumentResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FinBert facade end to end on every checkpoint format the fixture ships: safetensors, the PyTorch
 * zip checkpoint (shared storages, position_ids buffer) and the legacy PyTorch format (LayerNorm
 * gamma/beta names). Each model directory holds only one weights file, so each load takes that path;
 * all must give reference.json's probabilities (labels by name) within 1e-5.
 */
class FinBertCheckpointFormatsTest {
  static final Path FIXTURE = Path.of("src", "test", "resources", "tiny-finbert");
  static final double TOL = 1e-5;
  static final List<String> TOKENIZER_FILES = List.of("config.json", "vocab.txt", "tokenizer_config.json");

  static List<String[]> inputs = new ArrayList<>();
  static List<double[]> refProbs = new ArrayList<>();

  @BeforeAll
  static void readReference() throws IOException {
    if (!Files.isDirectory(FIXTURE)) {
      throw new IllegalStateException("fixture missing: " + FIXTURE.toAbsolutePath());
    }
    for (JsonNode item : new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile()).get("items")) {
      JsonNode t = item.get("text");
      inputs.add(t.size() == 1 ? new String[] {t.get(0).asText()}
          : new String[] {t.get(0).asText(), t.get(1).asText()});
      double[] p = new double[item.get("probabilities").size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = item.get("probabilities").get(i).asDouble();
      }
      refProbs.add(p);
    }
  }

  /** A model directory with the tokenizer/config files and one weights file under {@code asName}. */
  static Path modelDir(Path tmp, String weightsFile, String asName) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(weightsFile.replace('.', '_')));
    for (String f : TOKENIZER_FILES) {
      Files.copy(FIXTURE.resolve(f), dir.resolve(f));
    }
    Files.copy(FIXTURE.resolve(weightsFile), dir.resolve(asName));
    return dir;
  }

  static double worst(FinBert fb) {
    List<SentimentResult> rs = fb.analyzePairs(inputs);
    double worst = 0;
    for (int i = 0; i < rs.size(); i++) {
      for (int j = 0; j < fb.labels().size(); j++) {
        worst = Math.max(worst, Math.abs(rs.get(i).probability(fb.labels().get(j)) - refProbs.get(i)[j]));
      }
    }
    return worst;
  }

  @Test
  void everyCheckpointFormatGivesTheReference(@TempDir Path tmp) throws IOException {
    String[][] formats = {
      {"model.safetensors", "model.safetensors"},
      {"pytorch_model.bin", "pytorch_model.bin"},
      {"pytorch_model.legacy.bin", "pytorch_model.bin"},
    };
    for (String[] f : formats) {
      FinBert fb = FinBert.load(modelDir(tmp, f[0], f[1]));
      assertEquals(List.of("positive", "negative", "neutral"), fb.labels());
      double w = worst(fb);
      System.out.printf("FinBert via %-26s worst |p - ref| = %.3g%n", f[0], w);
      assertTrue(w <= TOL, f[0] + ": probabilities differ from reference by " + w);
    }
  }

  @Test
  void documentOfReferenceSentencesMatchesSentenceBySentence() throws IOException {
    FinBert fb = FinBert.load(FIXTURE);
    String doc = inputs.get(0)[0] + " " + inputs.get(1)[0] + "\n" + inputs.get(2)[0];
    DocumentResult d = fb.analyzeDocument(doc);
    assertEquals(3, d.parts().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(inputs.get(i)[0], d.parts().get(i).text());
      for (int j = 0; j < fb.labels().size(); j++) {
        assertEquals(refProbs.get(i)[j], d.parts().get(i).result().probability(fb.labels().get(j)), TOL);
      }
    }
  }
}
