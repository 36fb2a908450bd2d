package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {
  @TempDir Path tmp;

  @Test
  void fixtureConfig() throws IOException {
    BertConfig c = BertConfig.load(Fixtures.tinyFinbert().resolve("config.json"));
    assertEquals(16, c.hiddenSize());
    assertEquals(2, c.numHiddenLayers());
    assertEquals(4, c.numAttentionHeads());
    assertEquals(4, c.headDim());
    assertEquals(37, c.intermediateSize());
    assertEquals(30522, c.vocabSize());
    assertEquals(1e-12, c.layerNormEps());
    assertEquals(List.of("positive", "negative", "neutral"), c.labels());
    assertEquals(3, c.numLabels());
    assertEquals(Map.of("positive", 0, "negative", 1, "neutral", 2), c.label2id());
  }

  @Test
  void defaultsAreHuggingFaces() {
    BertConfig c = BertConfig.fromJson("{}");
    assertEquals(30522, c.vocabSize());
    assertEquals(768, c.hiddenSize());
    assertEquals(12, c.numHiddenLayers());
    assertEquals(12, c.numAttentionHeads());
    assertEquals(3072, c.intermediateSize());
    assertEquals("gelu", c.hiddenAct());
    assertEquals(0.1, c.hiddenDropoutProb());
    assertEquals(0.1, c.attentionProbsDropoutProb());
    assertEquals(512, c.maxPositionEmbeddings());
    assertEquals(2, c.typeVocabSize());
    assertEquals(0.02, c.initializerRange());
    assertEquals(1e-12, c.layerNormEps());
    assertEquals(0, c.padTokenId());
    assertEquals("absolute", c.positionEmbeddingType());
    assertEquals(List.of(), c.labels());
    BertConfig b = BertConfig.builder().build();
    assertEquals(c.toBuilder().build().toString(), b.toString(), "builder and {} agree on values");
    assertEquals(c.hiddenSize(), b.hiddenSize());
    assertEquals(c.layerNormEps(), b.layerNormEps());
    assertTrue(c.toJson().contains("\"hidden_size\": 768"), "Python-style JSON: " + c.toJson());
  }

  private static void rejects(String json, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BertConfig.fromJson(json));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
    }
  }

  @Test
  void validation() {
    rejects("{\"hidden_size\": 10, \"num_attention_heads\": 4}", "hidden_size 10", "not divisible", "4");
    rejects("{\"hidden_act\": \"relu\"}", "hidden_act", "\"relu\"", "gelu");
    rejects("{\"hidden_act\": \"gelu_new\"}", "\"gelu_new\"");
    rejects("{\"position_embedding_type\": \"relative_key\"}", "position_embedding_type", "\"relative_key\"");
    rejects("{\"hidden_size\": \"big\"}", "hidden_size", "integer");
    rejects("{\"vocab_size\": 0}", "vocab_size");
    rejects("{\"hidden_dropout_prob\": 1.5}", "hidden_dropout_prob");
    rejects("{\"layer_norm_eps\": 0}", "layer_norm_eps");
    rejects("{\"pad_token_id\": 40000}", "pad_token_id");
    rejects("{\"id2label\": {\"0\": \"a\", \"2\": \"b\"}}", "id2label");
    rejects("{\"id2label\": {\"zero\": \"a\"}}", "id2label", "zero");
    rejects("{\"id2label\": {\"0\": \"a\", \"1\": \"b\"}, \"label2id\": {\"a\": 1, \"b\": 0}}", "label2id", "\"a\"");
    rejects("{\"id2label\": {\"0\": \"a\"}, \"label2id\": {\"a\": 0, \"b\": 1}}", "label2id has 2");
    rejects("{\"id2label\": {\"0\": \"a\", \"1\": \"b\"}, \"num_labels\": 3}", "num_labels is 3");
    rejects("{\"id2label\": {\"0\": \"a\", \"1\": \"a\"}}", "\"a\"");
    rejects("not json", "not valid JSON");
  }

  @Test
  void labelsFromEitherMapOrCount() {
    assertEquals(List.of("x", "y"), BertConfig.fromJson("{\"label2id\": {\"y\": 1, \"x\": 0}}").labels());
    assertEquals(List.of("LABEL_0", "LABEL_1"), BertConfig.fromJson("{\"num_labels\": 2}").labels());
    // id order, not file order
    assertEquals(List.of("a", "b"), BertConfig.fromJson("{\"id2label\": {\"1\": \"b\", \"0\": \"a\"}}").labels());
  }

  @Test
  void saveKeepsUnknownKeysAndRoundTrips() throws IOException {
    BertConfig c =
        BertConfig.fromJson("{\"architectures\": [\"BertForSequenceClassification\"], \"torch_dtype\": \"float32\","
            + " \"hidden_size\": 32, \"num_attention_heads\": 2, \"id2label\": {\"0\": \"a\", \"1\": \"b\"}}");
    Path p = tmp.resolve("config.json");
    c.save(p);
    BertConfig back = BertConfig.load(p);
    assertEquals(c, back);
    assertTrue(back.toJson().contains("\"torch_dtype\""));
    assertTrue(back.toJson().contains("\"label2id\""));
    BertConfig relabelled = back.withLabels(List.of("positive", "negative", "neutral"));
    assertEquals(3, relabelled.numLabels());
    assertEquals(2, back.numLabels(), "withLabels returns a copy");
    assertEquals(relabelled, BertConfig.fromJson(relabelled.toJson()));
    assertEquals(List.of(), back.withLabels(List.of()).labels());
    assertTrue(!back.withLabels(List.of()).toJson().contains("id2label"));
  }

  @Test
  void builderValidates() {
    BertConfig c = BertConfig.builder().hiddenSize(16).numAttentionHeads(4).numHiddenLayers(2).intermediateSize(37)
        .labels(List.of("p", "n")).build();
    assertEquals(4, c.headDim());
    assertEquals(c, BertConfig.fromJson(c.toJson()));
    assertThrows(IllegalArgumentException.class, () -> BertConfig.builder().hiddenAct("relu").build());
  }
}
