package io.finbert4j.cli.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fallback rules of the configuration inference on small hand-built graphs (the MiniLM export exercises only
 * the first rule of each): heads from a constant Reshape shape initializer, from the attention scaling constant, and
 * the hidden/64 assumption; epsilon from a LayerNormalization attribute; the tanh-approximated GELU.
 */
class OnnxConfigInferenceTest {
  private static final int HIDDEN = 384;

  @TempDir Path tmp;

  private OnnxGraph graph(GraphProto.Builder g) throws Exception {
    Path f = tmp.resolve("g" + System.nanoTime() + ".onnx");
    Files.write(f, ModelProto.newBuilder().setIrVersion(7).setGraph(g.setName("g")).build().toByteArray());
    return OnnxGraph.read(f);
  }

  private static NodeProto node(String op, String name, List<String> in, String out, AttributeProto... attrs) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(in).addOutput(out);
    for (AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  private static TensorProto int64s(String name, long... v) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxGraph.INT64).addDims(v.length);
    for (long x : v) {
      t.addInt64Data(x);
    }
    return t.build();
  }

  private static TensorProto scalar(String name, float v) {
    return TensorProto.newBuilder().setName(name).setDataType(OnnxGraph.FLOAT).addFloatData(v).build();
  }

  @Test
  void headsFromConstantReshapeShapeWithMinusOne() throws Exception {
    GraphProto.Builder g = GraphProto.newBuilder()
        .addInitializer(int64s("shape", 0, 0, 6, -1))
        .addNode(node("Reshape", "/attn/Reshape", List.of("x", "shape"), "y"));
    List<String> notes = new ArrayList<>();
    assertEquals(6, OnnxBertImporter.inferHeads(graph(g), HIDDEN, notes));
    assertTrue(notes.get(0).contains("Reshape"), notes.toString());
  }

  @Test
  void headsFromAttentionScaleWhenNoReshapeIsReadable() throws Exception {
    // scores = MatMul(q, k^T) / sqrt(48) → head_dim 48 → 8 heads
    GraphProto.Builder g = GraphProto.newBuilder()
        .addInitializer(scalar("scale", (float) Math.sqrt(48)))
        .addNode(node("MatMul", "/attn/MatMul", List.of("q", "kT"), "scores"))
        .addNode(node("Div", "/attn/Div", List.of("scores", "scale"), "scaled"));
    List<String> notes = new ArrayList<>();
    assertEquals(8, OnnxBertImporter.inferHeads(graph(g), HIDDEN, notes));
    assertTrue(notes.get(0).contains("scaling constant"), notes.toString());
  }

  @Test
  void headsAssumedFromHiddenOver64AsLastResort() throws Exception {
    GraphProto.Builder g = GraphProto.newBuilder().addNode(node("Relu", "r", List.of("x"), "y"));
    List<String> notes = new ArrayList<>();
    assertEquals(HIDDEN / 64, OnnxBertImporter.inferHeads(graph(g), HIDDEN, notes));
    assertTrue(notes.get(0).contains("ASSUMED"), notes.toString());
  }

  @Test
  void epsilonFromLayerNormalizationAttributeAndTanhGelu() throws Exception {
    AttributeProto eps = AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
        .setF(1e-7f).build();
    AttributeProto approx = AttributeProto.newBuilder().setName("approximate").setType(AttributeProto.AttributeType.STRING)
        .setS(com.google.protobuf.ByteString.copyFromUtf8("tanh")).build();
    GraphProto.Builder g = GraphProto.newBuilder()
        .addNode(node("LayerNormalization", "ln0", List.of("x", "w", "b"), "y0", eps))
        .addNode(node("LayerNormalization", "ln1", List.of("y0", "w", "b"), "y1", eps))
        .addNode(node("Gelu", "act", List.of("y1"), "z", approx));
    OnnxGraph graph = graph(g);
    List<String> notes = new ArrayList<>();
    assertEquals(1e-7, OnnxBertImporter.inferLayerNormEps(graph, notes), 1e-20);
    assertEquals("gelu_new", OnnxBertImporter.inferActivation(graph, notes));
    assertTrue(notes.get(0).contains("2 LayerNorms"), notes.toString());
  }

  @Test
  void transposeIsRowMajor() {
    // [[1,2,3],[4,5,6]] → [[1,4],[2,5],[3,6]]
    float[] t = OnnxBertImporter.transpose(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(List.of(1f, 4f, 2f, 5f, 3f, 6f), List.of(t[0], t[1], t[2], t[3], t[4], t[5]));
  }

  @Test
  void halfPrecisionDecoding() {
    assertEquals(1.0f, OnnxGraph.halfToFloat((short) 0x3C00));
    assertEquals(-2.0f, OnnxGraph.halfToFloat((short) 0xC000));
    assertEquals(65504f, OnnxGraph.halfToFloat((short) 0x7BFF));
    assertEquals(0x1p-24f, OnnxGraph.halfToFloat((short) 0x0001));
    assertTrue(Float.isInfinite(OnnxGraph.halfToFloat((short) 0x7C00)));
  }
}
