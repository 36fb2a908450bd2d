package io.finbert4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random BERT inputs for the benchmarks, one batch [B][T]: {@code [CLS]}, ordinary word-piece ids, {@code [SEP]}
 * (seeded), attention mask all ones, token types 0 — for our engine as int arrays and for ONNX Runtime as the
 * tensors a session declares. The cost of a pass does not depend on the ids, only on B and T.
 */
record BenchInputs(int[][] ids, int[][] mask, int[][] types) {
  /** bert-base-uncased / MiniLM special ids; word ids are drawn above the unused/special range. */
  static final int CLS = 101;
  static final int SEP = 102;
  static final int FIRST_WORD_ID = 1000;

  static BenchInputs random(int b, int t, int vocab, long seed) {
    Random rnd = new Random(seed);
    int[][] ids = new int[b][t];
    int[][] mask = new int[b][t];
    int[][] types = new int[b][t];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < t; j++) {
        ids[i][j] = j == 0 ? CLS : j == t - 1 ? SEP : FIRST_WORD_ID + rnd.nextInt(vocab - FIRST_WORD_ID);
        mask[i][j] = 1;
      }
    }
    return new BenchInputs(ids, mask, types);
  }

  /** "BxT", e.g. "32x48", as {B, T}. */
  static int[] parseShape(String shape) {
    String[] p = shape.split("x");
    if (p.length != 2) {
      throw new IllegalArgumentException("shape must be \"BxT\", got \"" + shape + "\"");
    }
    return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
  }

  /** The inputs {@code session} declares (input_ids, attention_mask, token_type_ids) as int64 tensors; close them. */
  Map<String, OnnxTensor> ortTensors(OrtEnvironment env, OrtSession session) throws OrtException {
    Map<String, OnnxTensor> in = new HashMap<>();
    for (String name : session.getInputNames()) {
      int[][] v = switch (name) {
        case "input_ids" -> ids;
        case "attention_mask" -> mask;
        case "token_type_ids" -> types;
        default -> throw new IllegalArgumentException("unexpected ONNX input " + name);
      };
      long[][] l = new long[v.length][];
      for (int i = 0; i < v.length; i++) {
        l[i] = java.util.Arrays.stream(v[i]).asLongStream().toArray();
      }
      in.put(name, OnnxTensor.createTensor(env, l));
    }
    return in;
  }
}
