package io.finbert4j.cli.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.finbert4j.cli.Main;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.TensorSource;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports the bundled all-MiniLM-L6-v2 ONNX export and checks the HF directory against facts known independently
 * of the importer: the published model configuration (6 layers, hidden 384, 12 heads, intermediate 1536,
 * bert-base-uncased vocabulary of 30522, 512 positions, 2 token types, eps 1e-12) and the raw bytes of the ONNX
 * initializers, decoded here directly from the protobuf.
 */
class OnnxBertImporterTest {
  private static final int LAYERS = 6;
  private static final int HIDDEN = 384;
  private static final int HEADS = 12;
  private static final int INTERMEDIATE = 1536;
  private static final int VOCAB = 30522;
  private static final int POSITIONS = 512;

  @TempDir static Path tmp;
  static MiniLmResources.Extracted files;
  static Path modelDir;
  static OnnxBertImporter.ImportReport report;

  @BeforeAll
  static void importOnce() throws Exception {
    files = MiniLmResources.extract(tmp.resolve("onnx"));
    modelDir = tmp.resolve("minilm");
    report = OnnxBertImporter.importModel(files.onnx(), files.tokenizerJson(), modelDir);
  }

  @Test
  void configMatchesPublishedMiniLm() throws Exception {
    BertConfig c = BertConfig.load(modelDir.resolve("config.json"));
    assertEquals(VOCAB, c.vocabSize());
    assertEquals(HIDDEN, c.hiddenSize());
    assertEquals(LAYERS, c.numHiddenLayers());
    assertEquals(HEADS, c.numAttentionHeads());
    assertEquals(INTERMEDIATE, c.intermediateSize());
    assertEquals(POSITIONS, c.maxPositionEmbeddings());
    assertEquals(2, c.typeVocabSize());
    assertEquals(1e-12, c.layerNormEps(), 1e-20);
    assertEquals("gelu", c.hiddenAct());
    assertEquals(0, c.padTokenId());
    assertTrue(c.labels().isEmpty(), "an encoder export has no classifier labels");
    // the heads must come from the graph, not the hidden/64 fallback (which would say 6)
    assertTrue(
        report.notes().stream().anyMatch(n -> n.startsWith("num_attention_heads = 12 from") && n.contains("Reshape")),
        "notes: " + report.notes());
    assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("layer_norm_eps = 1.0E-12 from")), "notes: " + report.notes());
  }

  @Test
  void everyExpectedTensorWithItsShape() throws Exception {
    Map<String, long[]> expected = new LinkedHashMap<>();
    expected.put("bert.embeddings.word_embeddings.weight", new long[] {VOCAB, HIDDEN});
    expected.put("bert.embeddings.position_embeddings.weight", new long[] {POSITIONS, HIDDEN});
    expected.put("bert.embeddings.token_type_embeddings.weight", new long[] {2, HIDDEN});
    expected.put("bert.embeddings.LayerNorm.weight", new long[] {HIDDEN});
    expected.put("bert.embeddings.LayerNorm.bias", new long[] {HIDDEN});
    for (int i = 0; i < LAYERS; i++) {
      String p = "bert.encoder.layer." + i + ".";
      for (String qkv : List.of("query", "key", "value")) {
        expected.put(p + "attention.self." + qkv + ".weight", new long[] {HIDDEN, HIDDEN});
        expected.put(p + "attention.self." + qkv + ".bias", new long[] {HIDDEN});
      }
      expected.put(p + "attention.output.dense.weight", new long[] {HIDDEN, HIDDEN});
      expected.put(p + "attention.output.dense.bias", new long[] {HIDDEN});
      expected.put(p + "attention.output.LayerNorm.weight", new long[] {HIDDEN});
      expected.put(p + "attention.output.LayerNorm.bias", new long[] {HIDDEN});
      expected.put(p + "intermediate.dense.weight", new long[] {INTERMEDIATE, HIDDEN});
      expected.put(p + "intermediate.dense.bias", new long[] {INTERMEDIATE});
      expected.put(p + "output.dense.weight", new long[] {HIDDEN, INTERMEDIATE});
      expected.put(p + "output.dense.bias", new long[] {HIDDEN});
      expected.put(p + "output.LayerNorm.weight", new long[] {HIDDEN});
      expected.put(p + "output.LayerNorm.bias", new long[] {HIDDEN});
    }
    expected.put("bert.pooler.dense.weight", new long[] {HIDDEN, HIDDEN});
    expected.put("bert.pooler.dense.bias", new long[] {HIDDEN});

    try (TensorSource st = Safetensors.open(modelDir.resolve("model.safetensors"))) {
      assertEquals(expected.keySet(), new java.util.HashSet<>(st.names()), "tensor names in model.safetensors");
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        assertArrayEquals(e.getValue(), st.get(e.getKey()).shape(), e.getKey());
      }
    }
    try (BertCheckpoint ck = BertCheckpoint.open(modelDir)) {
      assertTrue(ck.hasPooler());
      assertFalse(ck.hasClassifier());
    }
  }

  /**
   * The query weight of layer 0 is the transpose of the initializer that the layer-0 query MatMul consumes (found
   * here by its node name and decoded from raw_data here, not by the importer), and a named initializer (the word
   * embeddings) is copied unchanged.
   */
  @Test
  void linearWeightIsTransposeOfRawOnnxInitializer() throws Exception {
    ModelProto model;
    try (InputStream in = Files.newInputStream(files.onnx())) {
      CodedInputStream cin = CodedInputStream.newInstance(in);
      cin.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(cin);
    }
    GraphProto g = model.getGraph();
    String initName = null;
    for (NodeProto n : g.getNodeList()) {
      if (n.getName().equals("/encoder/layer.0/attention/self/query/MatMul")) {
        initName = n.getInput(1);
      }
    }
    assertNotNull(initName, "layer-0 query MatMul node in the ONNX graph");
    float[] onnxW = null; // [in = 384, out = 384] row-major
    float[] onnxWordEmb = null;
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().equals(initName)) {
        onnxW = rawFloats(t);
      } else if (t.getName().equals("embeddings.word_embeddings.weight")) {
        onnxWordEmb = rawFloats(t);
      }
    }
    assertNotNull(onnxW, initName);
    assertNotNull(onnxWordEmb);
    try (TensorSource st = Safetensors.open(modelDir.resolve("model.safetensors"))) {
      float[] hf = st.get("bert.encoder.layer.0.attention.self.query.weight").toFloatArray(); // [out, in]
      int mismatches = 0;
      for (int out = 0; out < HIDDEN; out++) {
        for (int in = 0; in < HIDDEN; in++) {
          if (Float.floatToRawIntBits(hf[out * HIDDEN + in]) != Float.floatToRawIntBits(onnxW[in * HIDDEN + out])) {
            mismatches++;
          }
        }
      }
      assertEquals(0, mismatches, "elements of query.weight that are not the transpose of " + initName);
      // not symmetric: a transpose bug would be caught
      assertFalse(Arrays.equals(hf, onnxW), "query weight must differ from the untransposed initializer");
      assertArrayEquals(onnxWordEmb, st.get("bert.embeddings.word_embeddings.weight").toFloatArray());
    }
  }

  @Test
  void tokenizerFilesDerivedFromTokenizerJson() throws Exception {
    List<String> vocab = Files.readAllLines(modelDir.resolve("vocab.txt"), StandardCharsets.UTF_8);
    assertEquals(VOCAB, vocab.size());
    // bert-base-uncased ids
    assertEquals("[PAD]", vocab.get(0));
    assertEquals("[UNK]", vocab.get(100));
    assertEquals("[CLS]", vocab.get(101));
    assertEquals("[SEP]", vocab.get(102));
    assertEquals("[MASK]", vocab.get(103));
    assertEquals("the", vocab.get(1996));
    JsonNode tc = new ObjectMapper().readTree(modelDir.resolve("tokenizer_config.json").toFile());
    assertTrue(tc.path("do_lower_case").asBoolean(false));
    assertEquals(POSITIONS, tc.path("model_max_length").asInt());
    assertEquals("[CLS]", tc.path("cls_token").asText());
    assertArrayEquals(
        Files.readAllBytes(files.tokenizerJson()), Files.readAllBytes(modelDir.resolve("tokenizer.json")));
    assertTrue(Files.isRegularFile(modelDir.resolve("special_tokens_map.json")));
    // The derived vocab.txt + tokenizer_config.json load as a lower-casing WordPiece tokenizer with the
    // well-known bert-base-uncased ids: [CLS] hello world [SEP] = 101 7592 2088 102.
    io.finbert4j.tokenizer.BertTokenizer tok = io.finbert4j.tokenizer.BertTokenizer.fromDirectory(modelDir);
    assertArrayEquals(new int[] {101, 7592, 2088, 102}, tok.encode("Hello World").inputIds());
  }

  @Test
  void cliImportsBundledMiniLm() throws Exception {
    Path out = tmp.resolve("cli-minilm");
    StringWriter so = new StringWriter();
    StringWriter se = new StringWriter();
    int rc = Main.run(new String[] {"import-onnx", "--minilm", "--out", out.toString()}, new PrintWriter(so), new PrintWriter(se));
    assertEquals(0, rc, "stderr: " + se);
    assertTrue(so.toString().contains("6 layers, hidden 384, 12 heads"), so.toString());
    try (BertCheckpoint ck = BertCheckpoint.open(out)) {
      assertEquals(HEADS, ck.config().numAttentionHeads());
    }
  }

  @Test
  void cliReportsMissingFile() {
    StringWriter so = new StringWriter();
    StringWriter se = new StringWriter();
    int rc = Main.run(
        new String[] {"import-onnx", "--onnx", tmp.resolve("nope.onnx").toString(), "--tokenizer",
            files.tokenizerJson().toString(), "--out", tmp.resolve("x").toString()},
        new PrintWriter(so), new PrintWriter(se));
    assertEquals(1, rc);
    assertTrue(se.toString().startsWith("error: ONNX model not found:"), se.toString());
  }

  private static float[] rawFloats(TensorProto t) {
    assertEquals(1, t.getDataType(), t.getName() + " is float32");
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / Float.BYTES];
    b.asFloatBuffer().get(f);
    return f;
  }
}
