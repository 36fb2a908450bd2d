package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertCheckpointTest {
  @TempDir Path tmp;

  /** A model directory with the fixture's config and one weights file copied under {@code asName}. */
  private Path dirWith(String fixtureFile, String asName) throws IOException {
    Path d = Files.createTempDirectory(tmp, "m");
    Files.copy(Fixtures.tinyFinbert().resolve("config.json"), d.resolve("config.json"));
    Files.copy(Fixtures.tinyFinbert().resolve(fixtureFile), d.resolve(asName));
    return d;
  }

  @Test
  void canonicalNames() {
    assertEquals("bert.embeddings.LayerNorm.weight", BertWeightNames.canonical("embeddings.LayerNorm.gamma"));
    assertEquals("bert.embeddings.LayerNorm.bias", BertWeightNames.canonical("bert.embeddings.LayerNorm.beta"));
    assertEquals("bert.encoder.layer.3.output.LayerNorm.weight",
        BertWeightNames.canonical("encoder.layer.3.output.LayerNorm.gamma"));
    assertEquals("bert.pooler.dense.weight", BertWeightNames.canonical("pooler.dense.weight"));
    assertEquals("classifier.bias", BertWeightNames.canonical("classifier.bias"));
    assertEquals("bert.encoder.layer.0.attention.self.query.weight",
        BertWeightNames.canonical("bert.encoder.layer.0.attention.self.query.weight"));
    assertTrue(BertWeightNames.isIgnored(BertWeightNames.canonical("embeddings.position_ids")));
    assertTrue(BertWeightNames.isIgnored("cls.predictions.bias"));
    assertFalse(BertWeightNames.isIgnored("classifier.weight"));
  }

  @Test
  void expectedShapesInHfOrder() {
    BertConfig c = BertConfig.fromJson("{\"hidden_size\": 8, \"num_attention_heads\": 2, \"num_hidden_layers\": 1,"
        + " \"intermediate_size\": 5, \"vocab_size\": 11, \"num_labels\": 3}");
    var m = BertWeightNames.expectedShapes(c, true, true);
    assertEquals(5 + 16 + 2 + 2, m.size());
    List<String> names = new ArrayList<>(m.keySet());
    assertEquals("bert.embeddings.word_embeddings.weight", names.get(0));
    assertEquals("classifier.bias", names.get(names.size() - 1));
    assertEquals(List.of(5L, 8L), boxed(m.get("bert.encoder.layer.0.intermediate.dense.weight")));
    assertEquals(List.of(8L, 5L), boxed(m.get("bert.encoder.layer.0.output.dense.weight")));
    assertEquals(List.of(3L, 8L), boxed(m.get("classifier.weight")));
    assertEquals(21, BertWeightNames.expectedShapes(c, false, false).size());
  }

  private static List<Long> boxed(long[] a) {
    List<Long> r = new ArrayList<>();
    for (long x : a) {
      r.add(x);
    }
    return r;
  }

  @Test
  void allThreeFormatsGiveTheSameCanonicalTensors() throws IOException {
    try (BertCheckpoint ref = BertCheckpoint.open(Fixtures.tinyFinbert())) {
      assertTrue(ref.hasPooler());
      assertTrue(ref.hasClassifier());
      assertEquals(List.of("positive", "negative", "neutral"), ref.config().labels());
      assertEquals(41, ref.tensors().names().size());
      assertEquals("bert.embeddings.word_embeddings.weight", ref.tensors().names().get(0));
      for (String[] f : new String[][] {
          {"pytorch_model.bin", "pytorch_model.bin"}, {"pytorch_model.legacy.bin", "pytorch_model.bin"}}) {
        try (BertCheckpoint other = BertCheckpoint.open(dirWith(f[0], f[1]))) {
          assertEquals(ref.tensors().names(), other.tensors().names(), f[0]);
          assertTrue(other.weightsFile().endsWith("pytorch_model.bin"));
          for (String n : ref.tensors().names()) {
            Tensor t = other.tensors().get(n);
            assertEquals(n, t.name());
            assertTrue(ref.tensors().get(n).contentEquals(t), f[0] + ": " + n);
          }
        }
      }
    }
  }

  @Test
  void prefersSafetensors() throws IOException {
    Path d = dirWith("model.safetensors", "model.safetensors");
    Files.writeString(d.resolve("pytorch_model.bin"), "garbage: must not be read");
    try (BertCheckpoint c = BertCheckpoint.open(d)) {
      assertTrue(c.weightsFile().endsWith("model.safetensors"));
    }
  }

  @Test
  void reportsAllMismatchesInOneError() throws IOException {
    Path d = Files.createTempDirectory(tmp, "bad");
    Files.copy(Fixtures.tinyFinbert().resolve("config.json"), d.resolve("config.json"));
    List<Tensor> ts = new ArrayList<>();
    try (TensorSource s = Safetensors.open(Fixtures.tinyFinbert().resolve("model.safetensors"))) {
      for (String n : s.names()) {
        if (n.equals("bert.encoder.layer.1.output.dense.bias") || n.equals("bert.pooler.dense.bias")) {
          continue; // missing
        }
        Tensor t = s.get(n);
        if (n.equals("classifier.weight")) {
          t = Tensor.ofFloats(n, new long[] {2, 16}, new float[32]); // wrong shape
        }
        ts.add(t.withName(n.startsWith("bert.") ? n.substring(5) : n)); // no bert. prefix: still fine
      }
    }
    ts.add(Tensor.ofFloats("bert.encoder.layer.2.output.dense.bias", new long[] {16}, new float[16])); // unexpected
    ts.add(Tensor.ofFloats("embeddings.position_ids", new long[] {1, 512}, new float[512])); // ignored
    Safetensors.write(d.resolve("model.safetensors"), ts, Map.of());
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> BertCheckpoint.open(d));
    String m = e.getMessage();
    assertTrue(m.contains("2 missing: bert.encoder.layer.1.output.dense.bias, bert.pooler.dense.bias"), m);
    assertTrue(m.contains("1 unexpected: bert.encoder.layer.2.output.dense.bias"), m);
    assertTrue(m.contains("1 wrongly shaped: classifier.weight [2, 16] (expected [3, 16])"), m);
    assertFalse(m.contains("position_ids"), m);
    assertFalse(m.contains("\n"), "one line");
  }

  @Test
  void missingFilesAreNamed() throws IOException {
    Path empty = Files.createTempDirectory(tmp, "empty");
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> BertCheckpoint.open(empty));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    Files.copy(Fixtures.tinyFinbert().resolve("config.json"), empty.resolve("config.json"));
    e = assertThrows(NoSuchFileException.class, () -> BertCheckpoint.open(empty));
    assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("pytorch_model.bin"),
        e.getMessage());
  }
}
