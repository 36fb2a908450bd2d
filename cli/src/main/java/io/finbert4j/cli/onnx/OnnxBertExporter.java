package io.finbert4j.cli.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import io.finbert4j.weights.BertWeightNames;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes an HF BERT checkpoint directory as an ONNX graph equivalent to HF's {@code BertModel} /
 * {@code BertForSequenceClassification} export, so that ONNX Runtime can run exactly our model (benchmarks compare
 * our encoder to ORT on the same weights; the exporter's test compares ORT's logits to the fixture's HF reference).
 *
 * <p>Graph (opset 17, standard ops only; B = batch, T = tokens, both dynamic):
 * <ul>
 *   <li>inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids}: int64 [B, T];
 *   <li>embeddings: {@code Gather} word / position ({@code Range(0, T)}) / token-type rows, {@code Add},
 *       {@code LayerNormalization};
 *   <li>mask: {@code (1 - mask)·float32_min} as [B, 1, 1, T], added to the scores (as HF does);
 *   <li>per layer: {@code MatMul} with transposed weight initializers ([IN, OUT]) + {@code Add} bias;
 *       {@code Reshape}/{@code Transpose} into heads; scores {@code MatMul}, {@code Div} √HS, {@code Softmax};
 *       context back to [B, T, H]; residual {@code Add} + {@code LayerNormalization}; GELU as
 *       {@code 0.5·x·(1 + Erf(x/√2))} (the exact form BERT's "gelu" means);
 *   <li>outputs {@code last_hidden_state} [B, T, H]; with a classifier also {@code logits} [B, L]
 *       ({@code tanh} pooler on token 0, then the classifier Linear).
 * </ul>
 */
public final class OnnxBertExporter {
  /** ONNX opset: 17 is the first with {@code LayerNormalization}. */
  public static final int OPSET = 17;
  /** IR version 8 goes with opset 17 (ONNX 1.12). */
  private static final long IR_VERSION = 8;
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int nodeCounter;

  private OnnxBertExporter() {}

  /**
   * Exports the checkpoint in {@code modelDir} (config.json + weights, read via {@link BertCheckpoint}) to
   * {@code onnxFile} (written atomically).
   *
   * @return the config that was exported
   * @throws IOException if the directory cannot be read or the file written
   * @throws IllegalArgumentException if the config uses something this exporter does not support
   */
  public static BertConfig export(Path modelDir, Path onnxFile) throws IOException {
    try (BertCheckpoint ckpt = BertCheckpoint.open(modelDir)) {
      ModelProto model = new OnnxBertExporter().build(ckpt.config(), ckpt.tensors(), ckpt.hasPooler(),
          ckpt.hasClassifier());
      Path parent = onnxFile.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = parent.resolve(onnxFile.getFileName() + ".tmp"); // not createTempFile: it would make the file 0600
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          model.writeTo(out);
        }
        Files.move(tmp, onnxFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return ckpt.config();
    }
  }

  private ModelProto build(BertConfig cfg, TensorSource w, boolean pooler, boolean classifier) {
    if (!BertConfig.GELU.equals(cfg.hiddenAct())) {
      throw new IllegalArgumentException("OnnxBertExporter supports hidden_act \"gelu\" only, config has \""
          + cfg.hiddenAct() + "\"");
    }
    if (!BertConfig.ABSOLUTE.equals(cfg.positionEmbeddingType())) {
      throw new IllegalArgumentException("OnnxBertExporter supports position_embedding_type \"absolute\" only,"
          + " config has \"" + cfg.positionEmbeddingType() + "\"");
    }
    int h = cfg.hiddenSize();
    int nh = cfg.numAttentionHeads();
    int hs = cfg.headDim();
    float eps = (float) cfg.layerNormEps();
    graph.setName("finbert4j-bert");
    graph.addInput(int64Input("input_ids"));
    graph.addInput(int64Input("attention_mask"));
    graph.addInput(int64Input("token_type_ids"));

    // scalar constants
    constFloat("one", new long[0], 1f);
    constFloat("half", new long[0], 0.5f);
    constFloat("sqrt2", new long[0], (float) Math.sqrt(2.0));
    constFloat("float_min", new long[0], -Float.MAX_VALUE);
    constFloat("sqrt_hs", new long[0], (float) Math.sqrt(hs));
    constInt64("i0", new long[0], 0);
    constInt64("i1", new long[0], 1);
    constInt64("mask_axes", new long[] {2}, 1, 2);
    constInt64("heads_shape", new long[] {4}, 0, 0, nh, hs); // Reshape: 0 copies B and T
    constInt64("hidden_shape", new long[] {3}, 0, 0, h);

    // embeddings: word[ids] + position[0..T-1] + type[types], then LayerNorm
    String e = "bert.embeddings.";
    init(e + "word_embeddings.weight", w, false);
    init(e + "position_embeddings.weight", w, false);
    init(e + "token_type_embeddings.weight", w, false);
    node("Shape", List.of("input_ids"), "ids_shape");
    node("Gather", List.of("ids_shape", "i1"), "seq_len"); // scalar T
    node("Range", List.of("i0", "seq_len", "i1"), "position_ids"); // [T]
    node("Gather", List.of(e + "word_embeddings.weight", "input_ids"), "emb_words");
    node("Gather", List.of(e + "position_embeddings.weight", "position_ids"), "emb_pos"); // [T, H]
    node("Gather", List.of(e + "token_type_embeddings.weight", "token_type_ids"), "emb_types");
    node("Add", List.of("emb_words", "emb_pos"), "emb_sum0");
    node("Add", List.of("emb_sum0", "emb_types"), "emb_sum");
    String hidden = layerNorm("emb_sum", e + "LayerNorm", w, eps, "emb_out");

    // additive mask [B, 1, 1, T]: 0 for real keys, float32 min for padding (HF's get_extended_attention_mask)
    node("Cast", List.of("attention_mask"), "mask_f", intAttr("to", FLOAT));
    node("Unsqueeze", List.of("mask_f", "mask_axes"), "mask_4d");
    node("Sub", List.of("one", "mask_4d"), "mask_inv");
    node("Mul", List.of("mask_inv", "float_min"), "mask_bias");

    for (int l = 0; l < cfg.numHiddenLayers(); l++) {
      String p = BertWeightNames.layerPrefix(l);
      String a = p + "attention.";
      String q = linear(hidden, a + "self.query", w, "l" + l + "_q");
      String k = linear(hidden, a + "self.key", w, "l" + l + "_k");
      String v = linear(hidden, a + "self.value", w, "l" + l + "_v");
      node("Reshape", List.of(q, "heads_shape"), "l" + l + "_q4");
      node("Reshape", List.of(k, "heads_shape"), "l" + l + "_k4");
      node("Reshape", List.of(v, "heads_shape"), "l" + l + "_v4");
      node("Transpose", List.of("l" + l + "_q4"), "l" + l + "_qh", intsAttr("perm", 0, 2, 1, 3)); // [B,NH,T,HS]
      node("Transpose", List.of("l" + l + "_k4"), "l" + l + "_kt", intsAttr("perm", 0, 2, 3, 1)); // [B,NH,HS,T]
      node("Transpose", List.of("l" + l + "_v4"), "l" + l + "_vh", intsAttr("perm", 0, 2, 1, 3));
      node("MatMul", List.of("l" + l + "_qh", "l" + l + "_kt"), "l" + l + "_scores_raw"); // [B,NH,T,T]
      node("Div", List.of("l" + l + "_scores_raw", "sqrt_hs"), "l" + l + "_scores_scaled");
      node("Add", List.of("l" + l + "_scores_scaled", "mask_bias"), "l" + l + "_scores");
      node("Softmax", List.of("l" + l + "_scores"), "l" + l + "_probs", intAttr("axis", -1));
      node("MatMul", List.of("l" + l + "_probs", "l" + l + "_vh"), "l" + l + "_ctx_h"); // [B,NH,T,HS]
      node("Transpose", List.of("l" + l + "_ctx_h"), "l" + l + "_ctx_t", intsAttr("perm", 0, 2, 1, 3));
      node("Reshape", List.of("l" + l + "_ctx_t", "hidden_shape"), "l" + l + "_ctx"); // [B,T,H]
      String attnOut = linear("l" + l + "_ctx", a + "output.dense", w, "l" + l + "_attn_dense");
      node("Add", List.of(attnOut, hidden), "l" + l + "_attn_res");
      String attn = layerNorm("l" + l + "_attn_res", a + "output.LayerNorm", w, eps, "l" + l + "_attn");
      String inter = linear(attn, p + "intermediate.dense", w, "l" + l + "_inter_lin");
      String gelu = gelu(inter, "l" + l + "_inter");
      String out = linear(gelu, p + "output.dense", w, "l" + l + "_out_dense");
      node("Add", List.of(out, attn), "l" + l + "_out_res");
      hidden = layerNorm("l" + l + "_out_res", p + "output.LayerNorm", w, eps,
          l == cfg.numHiddenLayers() - 1 ? "last_hidden_state" : "l" + l + "_out");
    }
    if (!hidden.equals("last_hidden_state")) { // zero layers
      node("Identity", List.of(hidden), "last_hidden_state");
    }
    graph.addOutput(floatOutput("last_hidden_state", "batch", "sequence", h));

    if (classifier) {
      if (!pooler) {
        throw new IllegalArgumentException("checkpoint has a classifier but no pooler; BertForSequenceClassification"
            + " needs bert.pooler.dense");
      }
      node("Gather", List.of("last_hidden_state", "i0"), "cls_token", intAttr("axis", 1)); // [B, H]
      String pooled = linear("cls_token", "bert.pooler.dense", w, "pooler_dense");
      node("Tanh", List.of(pooled), "pooler_output");
      String logits = linear("pooler_output", "classifier", w, "logits_lin");
      node("Identity", List.of(logits), "logits");
      graph.addOutput(floatOutput("logits", "batch", null, cfg.numLabels()));
    }

    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("finbert4j")
        .setProducerVersion("0.1.0")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setGraph(graph)
        .build();
  }

  /** x·Wᵀ + b for the {@code nn.Linear} at {@code prefix} (weight initializer stored transposed, [IN, OUT]). */
  private String linear(String x, String prefix, TensorSource w, String out) {
    String wt = init(prefix + ".weight", w, true);
    String b = init(prefix + ".bias", w, false);
    node("MatMul", List.of(x, wt), out + "_mm");
    node("Add", List.of(out + "_mm", b), out);
    return out;
  }

  private String layerNorm(String x, String prefix, TensorSource w, float eps, String out) {
    String g = init(prefix + ".weight", w, false);
    String b = init(prefix + ".bias", w, false);
    NodeProto.Builder n = nodeBuilder("LayerNormalization", List.of(x, g, b), out);
    n.addAttribute(intAttr("axis", -1));
    n.addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
        .setF(eps));
    graph.addNode(n);
    return out;
  }

  /** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
  private String gelu(String x, String out) {
    node("Div", List.of(x, "sqrt2"), out + "_scaled");
    node("Erf", List.of(out + "_scaled"), out + "_erf");
    node("Add", List.of(out + "_erf", "one"), out + "_erf1");
    node("Mul", List.of(x, out + "_erf1"), out + "_xerf");
    node("Mul", List.of(out + "_xerf", "half"), out);
    return out;
  }

  /** Adds the tensor {@code name} as a float initializer (transposed 2-D when asked); returns its graph name. */
  private String init(String name, TensorSource w, boolean transpose) {
    io.finbert4j.weights.Tensor t = w.get(name);
    long[] shape = t.shape();
    float[] data = t.toFloatArray();
    String graphName = name;
    if (transpose) {
      if (shape.length != 2) {
        throw new IllegalArgumentException("expected a 2-D weight for " + name + ", got rank " + shape.length);
      }
      int rows = (int) shape[0];
      int cols = (int) shape[1];
      float[] tr = new float[data.length];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          tr[c * rows + r] = data[r * cols + c];
        }
      }
      data = tr;
      shape = new long[] {cols, rows};
      graphName = name + "_transposed";
    }
    ByteBuffer bb = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bb.asFloatBuffer().put(data);
    TensorProto.Builder tp = TensorProto.newBuilder().setName(graphName).setDataType(FLOAT)
        .setRawData(ByteString.copyFrom(bb.array()));
    for (long d : shape) {
      tp.addDims(d);
    }
    graph.addInitializer(tp);
    return graphName;
  }

  private void constFloat(String name, long[] dims, float value) {
    ByteBuffer bb = ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
    TensorProto.Builder tp = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
        .setRawData(ByteString.copyFrom(bb.array()));
    for (long d : dims) {
      tp.addDims(d);
    }
    graph.addInitializer(tp);
  }

  private void constInt64(String name, long[] dims, long... values) {
    TensorProto.Builder tp = TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long d : dims) {
      tp.addDims(d);
    }
    for (long v : values) {
      tp.addInt64Data(v);
    }
    graph.addInitializer(tp);
  }

  private NodeProto.Builder nodeBuilder(String op, List<String> inputs, String output) {
    return NodeProto.newBuilder().setOpType(op).setName(op + "_" + (nodeCounter++)).addAllInput(inputs)
        .addOutput(output);
  }

  private void node(String op, List<String> inputs, String output, AttributeProto... attrs) {
    NodeProto.Builder n = nodeBuilder(op, inputs, output);
    for (AttributeProto a : attrs) {
      n.addAttribute(a);
    }
    graph.addNode(n);
  }

  private static AttributeProto intAttr(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
  }

  private static AttributeProto intsAttr(String name, long... v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static ValueInfoProto int64Input(String name) {
    return valueInfo(name, INT64, "batch", "sequence", -1);
  }

  private static ValueInfoProto floatOutput(String name, String d0, String d1, int last) {
    return valueInfo(name, FLOAT, d0, d1, last);
  }

  /** Value info with symbolic dims d0 (and d1 when non-null), then a fixed last dim when {@code last > 0}. */
  private static ValueInfoProto valueInfo(String name, int elemType, String d0, String d1, int last) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d0));
    if (d1 != null) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d1));
    }
    if (last > 0) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(last));
    }
    TypeProto type = TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)).build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
