package io.finbert4j.tests.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.core.BertModel;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real weights: all-MiniLM-L6-v2 (a BERT exported from HF transformers, shipped as ONNX in a Maven
 * artifact) run by ONNX Runtime, against our encoder on the same weights imported to HF names. The last
 * hidden state over non-padded tokens must agree within 1e-4 on a padded batch and on each text alone.
 */
class MiniLmOnnxRuntimeParityTest {
  static final double TOL = 1e-4;
  /** Output names of the langchain4j all-MiniLM-L6-v2 export (last hidden state; pooler output). */
  static final String LAST_HIDDEN = "output_0";
  static final String POOLED = "882";

  static final List<String> TEXTS = List.of(
      "AAPL stock price spikes after record-breaking sales figures.",
      "Operating profit fell to EUR 35.4 mn from EUR 68.8 mn in 2007.",
      "The board approved a quarterly dividend of $0.24 per share.",
      "Shares plunged 12% after the company cut its full-year guidance.",
      "",
      "   ",
      "Moody's downgraded the bank's senior unsecured debt to Baa3; outlook negative.",
      "Net sales increased by 18.5 % to EUR 1,210 million, while EBITDA margin improved.",
      "The merger, announced on Monday, is expected to close in the second half of 2025 pending regulatory approval.",
      "Café Müller GmbH übernimmt 51 % an Société Générale's Tochter — naïve résumé test.",
      "東京証券取引所で株価が上昇した。",
      "Revenue: $4.2B (+7% YoY); EPS $1.13 vs. $1.05 est.",
      "Layoffs hit 1,200 workers as the plant closes.",
      "[CLS] literal special tokens [SEP] inside text",
      "Inflation cooled to 3.1% in November, below economists' expectations, lifting bond prices.",
      "The company said nothing about its outlook.",
      "Q3 free cash flow was negative at -€45m due to working capital build-up ahead of the holiday season.",
      "Ok.");

  static OrtEnvironment env;
  static OrtSession session;
  static BertModel model;
  static BertTokenizer tokenizer;

  @BeforeAll
  static void setUp(@TempDir Path tmp) throws Exception {
    Path dir = MiniLmResources.importedModel(tmp.resolve("minilm"));
    Path onnx = dir.resolve("onnx").resolve(MiniLmResources.ONNX_RESOURCE);
    assertTrue(Files.isRegularFile(onnx), "extracted ONNX model missing: " + onnx);
    model = BertModel.load(dir);
    tokenizer = BertTokenizer.fromDirectory(dir);
    env = OrtEnvironment.getEnvironment();
    session = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (session != null) {
      session.close();
    }
  }

  @Test
  void paddedBatchMatchesOnnxRuntime() throws Exception {
    double worst = compare(TEXTS);
    System.out.printf("MiniLM last_hidden_state, padded batch of %d: max |ours - ORT| = %.3e%n", TEXTS.size(), worst);
    assertTrue(worst <= TOL, "padded batch differs from ONNX Runtime by " + worst);
  }

  @Test
  void eachTextAloneMatchesOnnxRuntime() throws Exception {
    double worst = 0;
    for (String t : TEXTS) {
      worst = Math.max(worst, compare(List.of(t)));
    }
    System.out.printf("MiniLM last_hidden_state, one by one: max |ours - ORT| = %.3e%n", worst);
    assertTrue(worst <= TOL, "single texts differ from ONNX Runtime by " + worst);
  }

  /** Max |diff| of the last hidden state over non-padded tokens. */
  private static double compare(List<String> texts) throws Exception {
    EncodeOptions opts = EncodeOptions.DEFAULT.withPadding(EncodeOptions.Padding.LONGEST);
    List<Encoding> enc = tokenizer.encodeBatch(texts, null, opts);
    int b = enc.size();
    int t = enc.get(0).length();
    int[][] ids = new int[b][];
    int[][] mask = new int[b][];
    int[][] types = new int[b][];
    long[][] lids = new long[b][t];
    long[][] lmask = new long[b][t];
    long[][] ltypes = new long[b][t];
    for (int i = 0; i < b; i++) {
      ids[i] = enc.get(i).inputIds();
      mask[i] = enc.get(i).attentionMask();
      types[i] = enc.get(i).tokenTypeIds();
      assertEquals(t, ids[i].length, "padding to longest");
      for (int j = 0; j < t; j++) {
        lids[i][j] = ids[i][j];
        lmask[i][j] = mask[i][j];
        ltypes[i][j] = types[i][j];
      }
    }
    float[][][] ours = model.lastHiddenState(ids, mask, types);
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try (OnnxTensor a = OnnxTensor.createTensor(env, lids);
        OnnxTensor m = OnnxTensor.createTensor(env, lmask);
        OnnxTensor ty = OnnxTensor.createTensor(env, ltypes)) {
      for (String name : session.getInputNames()) {
        switch (name) {
          case "input_ids" -> inputs.put(name, a);
          case "attention_mask" -> inputs.put(name, m);
          case "token_type_ids" -> inputs.put(name, ty);
          default -> throw new AssertionError("unexpected ONNX input " + name);
        }
      }
      try (OrtSession.Result r = session.run(inputs)) {
        // Outputs as the exported graph names them (checked by inspecting the session):
        // LAST_HIDDEN [B, T, 384] and POOLED [B, 384] (tanh(dense(h[:, 0]))).
        assertTrue(r.get(LAST_HIDDEN).isPresent() && r.get(POOLED).isPresent(),
            "ONNX outputs changed: expected " + LAST_HIDDEN + " and " + POOLED + ", session has "
                + session.getOutputNames());
        float[][][] ref = (float[][][]) r.get(LAST_HIDDEN).get().getValue();
        assertTrue(model.hasPooler(), "imported MiniLM lost its pooler (bert.pooler.dense.*)");
        float[][] refPooled = (float[][]) r.get(POOLED).get().getValue();
        float[][] oursPooled = model.pooledOutput(ids, mask, types);
        double worstPooled = 0;
        for (int i = 0; i < b; i++) {
          for (int k = 0; k < oursPooled[i].length; k++) {
            worstPooled = Math.max(worstPooled, Math.abs(oursPooled[i][k] - refPooled[i][k]));
          }
        }
        System.out.printf("MiniLM pooled output, batch of %d: max |ours - ORT| = %.3e%n", b, worstPooled);
        assertTrue(worstPooled <= TOL, "pooled output differs from ONNX Runtime by " + worstPooled);
        double worst = 0;
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < t; j++) {
            if (mask[i][j] == 0) {
              continue;
            }
            for (int k = 0; k < ours[i][j].length; k++) {
              worst = Math.max(worst, Math.abs(ours[i][j][k] - ref[i][j][k]));
            }
          }
        }
        return worst;
      }
    }
  }
}
