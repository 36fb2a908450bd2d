package io.finbert4j.cli.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.weights.BertConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports tiny-finbert and runs it in ONNX Runtime on the fixture's padded batch; the logits must match the
 * HF float64 reference (reference.json) — an independent check of the exporter's graph.
 */
class OnnxBertExporterTest {
  private static final Path TINY = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  /** float32 graph vs float64 reference on a 2-layer hidden-16 model. */
  private static final double LOGIT_TOLERANCE = 1e-5;

  @Test
  void tinyFinbertLogitsMatchReference(@TempDir Path tmp) throws Exception {
    assertTrue(Files.isDirectory(TINY), "fixture missing: " + TINY.toAbsolutePath());
    Path onnx = tmp.resolve("tiny.onnx");
    BertConfig cfg = OnnxBertExporter.export(TINY, onnx);
    JsonNode items = new ObjectMapper().readTree(TINY.resolve("reference.json").toFile()).get("items");
    int b = items.size();
    int t = 0;
    for (JsonNode it : items) {
      t = Math.max(t, it.get("input_ids").size());
    }
    long[][] ids = new long[b][t];
    long[][] mask = new long[b][t];
    long[][] types = new long[b][t];
    for (int i = 0; i < b; i++) {
      JsonNode it = items.get(i);
      for (int j = 0; j < it.get("input_ids").size(); j++) {
        ids[i][j] = it.get("input_ids").get(j).asLong();
        types[i][j] = it.get("token_type_ids").get(j).asLong();
        mask[i][j] = 1;
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT); // run our graph as written
      try (OrtSession s = env.createSession(onnx.toString(), opts);
          OnnxTensor tIds = OnnxTensor.createTensor(env, ids);
          OnnxTensor tMask = OnnxTensor.createTensor(env, mask);
          OnnxTensor tTypes = OnnxTensor.createTensor(env, types);
          OrtSession.Result r = s.run(Map.of("input_ids", tIds, "attention_mask", tMask,
              "token_type_ids", tTypes))) {
        assertEquals(List.of("last_hidden_state", "logits"), List.copyOf(s.getOutputNames()));
        float[][] logits = (float[][]) r.get("logits").orElseThrow().getValue();
        float[][][] hidden = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        assertEquals(t, hidden[0].length);
        assertEquals(cfg.hiddenSize(), hidden[0][0].length);
        double worst = 0;
        for (int i = 0; i < b; i++) {
          JsonNode ref = items.get(i).get("logits");
          assertEquals(cfg.numLabels(), logits[i].length);
          for (int c = 0; c < cfg.numLabels(); c++) {
            worst = Math.max(worst, Math.abs(logits[i][c] - ref.get(c).asDouble()));
          }
        }
        System.out.printf("OnnxBertExporter tiny-finbert: logits max |ORT - HF reference| = %.3e%n", worst);
        assertTrue(worst <= LOGIT_TOLERANCE, "logits differ from reference.json by " + worst);
      }
    }
  }

  @Test
  void randomBertWritesALoadableCheckpointThatExports(@TempDir Path tmp) throws Exception {
    BertConfig small = BertConfig.builder().hiddenSize(24).numHiddenLayers(1).numAttentionHeads(3)
        .intermediateSize(40).vocabSize(120).maxPositionEmbeddings(32).labels(List.of("a", "b", "c")).build();
    Path dir = tmp.resolve("rand");
    RandomBert.write(dir, small, 9, TINY);
    assertTrue(Files.isRegularFile(dir.resolve("vocab.txt")));
    Path onnx = dir.resolve("model.onnx");
    OnnxBertExporter.export(dir, onnx);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    long[][] ids = {{1, 5, 7, 2}, {1, 9, 2, 0}};
    long[][] mask = {{1, 1, 1, 1}, {1, 1, 1, 0}};
    long[][] types = new long[2][4];
    try (OrtSession s = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
        OnnxTensor a = OnnxTensor.createTensor(env, ids);
        OnnxTensor m = OnnxTensor.createTensor(env, mask);
        OnnxTensor ty = OnnxTensor.createTensor(env, types);
        OrtSession.Result r = s.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", ty))) {
      float[][] logits = (float[][]) r.get("logits").orElseThrow().getValue();
      assertEquals(2, logits.length);
      assertEquals(3, logits[0].length);
      assertTrue(Float.isFinite(logits[1][2]));
    }
  }
}
