package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
  @TempDir Path tmp;

  @Test
  void replacesTheHeadKeepsTheEncoderAndWritesALoadableDirectory() throws Exception {
    Path out = tmp.resolve("two-labels");
    TrainingFixtures.Run r = TrainingFixtures.run("init", "--from", TrainingFixtures.dir().toString(), "--labels", "bearish,bullish",
        "--seed", "3", "--out", out.toString());
    assertEquals(0, r.rc(), r.err());
    JsonNode cfg = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals("BertForSequenceClassification", cfg.get("architectures").get(0).asText());
    assertEquals("bert", cfg.get("model_type").asText());
    assertEquals("bullish", cfg.get("id2label").get("1").asText());
    assertEquals(0, cfg.get("label2id").get("bearish").asInt());
    assertTrue(Files.isRegularFile(out.resolve("vocab.txt")));
    assertTrue(Files.isRegularFile(out.resolve("tokenizer_config.json")));
    try (BertCheckpoint ck = BertCheckpoint.open(out);
        TensorSource src = Safetensors.open(TrainingFixtures.dir().resolve("model.safetensors"))) {
      assertEquals(List.of("bearish", "bullish"), ck.config().labels());
      TensorSource t = ck.tensors();
      Tensor w = t.get("classifier.weight");
      assertArrayEquals(new long[] {2, 16}, w.shape());
      assertArrayEquals(new float[2], t.get("classifier.bias").toFloatArray());
      // N(0, 0.02²): sample std within a loose band for 32 draws
      float[] a = w.toFloatArray();
      double ss = 0;
      for (float x : a) {
        ss += x * x;
      }
      double std = Math.sqrt(ss / a.length);
      assertTrue(std > 0.01 && std < 0.03, "classifier std " + std);
      // encoder and existing pooler unchanged
      for (String n : List.of("bert.encoder.layer.1.output.dense.weight", "bert.pooler.dense.weight",
          "bert.embeddings.word_embeddings.weight")) {
        assertArrayEquals(src.get(n).toFloatArray(), t.get(n).toFloatArray(), n);
      }
    }
  }

  @Test
  void addsAPoolerToABareEncoder() throws Exception {
    // an encoder-only directory: tiny-finbert without pooler and classifier, no labels
    Path enc = tmp.resolve("encoder");
    Files.createDirectories(enc);
    try (TensorSource src = Safetensors.open(TrainingFixtures.dir().resolve("model.safetensors"))) {
      List<Tensor> keep = src.names().stream().filter(n -> !n.startsWith("classifier.") && !n.startsWith("bert.pooler."))
          .map(src::get).toList();
      Safetensors.write(enc.resolve("model.safetensors"), keep, Map.of());
    }
    String cfg = Files.readString(TrainingFixtures.dir().resolve("config.json"))
        .replaceAll("(?s),\\s*\"id2label\".*", "\n}\n");
    Files.writeString(enc.resolve("config.json"), cfg);
    Files.copy(TrainingFixtures.dir().resolve("vocab.txt"), enc.resolve("vocab.txt"));
    Path out = tmp.resolve("headed");
    TrainingFixtures.Run r = TrainingFixtures.run("init", "--from", enc.toString(), "--labels", "negative,neutral,positive",
        "--out", out.toString());
    assertEquals(0, r.rc(), r.err());
    try (BertCheckpoint ck = BertCheckpoint.open(out)) {
      assertTrue(ck.hasPooler());
      assertTrue(ck.hasClassifier());
      assertArrayEquals(new float[16], ck.tensors().get("bert.pooler.dense.bias").toFloatArray());
      assertEquals(3, ck.config().numLabels());
    }
  }

  @Test
  void rejectsDuplicateLabels() {
    TrainingFixtures.Run r = TrainingFixtures.run("init", "--from", TrainingFixtures.dir().toString(), "--labels", "a,a", "--out",
        tmp.resolve("x").toString());
    assertEquals(1, r.rc());
    assertTrue(r.err().startsWith("error: --labels"), r.err());
  }
}
