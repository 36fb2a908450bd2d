package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.nn.BertSelfAttention;
import io.finbert4j.weights.BertConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");

  @Test
  void jsonLastLineHasTheFigures() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(new String[] {"bench", "--model", FIXTURE.toString(), "--batch-size", "2", "--length", "8",
        "--seconds", "0.2", "--json"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, rc, err.toString());
    List<String> lines = out.toString().lines().toList();
    JsonNode o = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    for (String k : List.of("sequences_per_second", "tokens_per_second", "gflops", "peak_fraction")) {
      assertTrue(o.get(k).asDouble() > 0, k + " in " + o);
    }
    assertEquals(o.get("sequences_per_second").asDouble() * 8, o.get("tokens_per_second").asDouble(), 1e-6);
  }

  /** --train times fwd + bwd + AdamW; --profile lists each operation of both passes and the optimizer. */
  @Test
  void trainProfileNamesEveryOperation() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = Main.run(new String[] {"bench", "--model", FIXTURE.toString(), "--batch-size", "2", "--length", "8",
        "--seconds", "0.2", "--train", "--profile", "--json"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, rc, err.toString());
    String text = out.toString();
    List<String> attention = BertSelfAttention.FUSED // the fused kernels need the Vector API module (surefire adds it)
        ? List.of("attention fused (products, softmax, dropout)", "attention fused bwd")
        : List.of("attention q·kᵀ", "attention softmax", "attention bwd products");
    List<String> ops = new java.util.ArrayList<>(attention);
    ops.addAll(List.of("gemm attention.self.query", "gemm bwd intermediate.dense", "bias grad (column sums)",
        "layernorm (+residual)", "layernorm bwd", "gelu", "gelu bwd", "dropout", "embeddings lookup",
        "adamw (incl. grad norm)", "other (glue"));
    for (String op : ops) {
      assertTrue(text.contains(op), "profile lacks '" + op + "':\n" + text);
    }
    List<String> lines = text.lines().toList();
    JsonNode o = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertEquals("train", o.get("mode").asText());
    assertTrue(o.get("gflops").asDouble() > 0, o.toString());
  }

  @Test
  void trainRejectsInt8() {
    StringWriter err = new StringWriter();
    int rc = Main.run(new String[] {"bench", "--model", FIXTURE.toString(), "--train", "--precision", "int8"},
        new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(1, rc);
    assertTrue(err.toString().contains("float32 only"), err.toString());
  }

  @Test
  void flopCountMatchesHandComputation() {
    BertConfig c = BertConfig.builder().hiddenSize(4).intermediateSize(6).numHiddenLayers(2).numAttentionHeads(2)
        .labels(List.of("a", "b", "c")).build();
    // per layer: 2*B*T*(4*16 + 2*4*6) + 4*B*T*T*H with B=1, T=3 -> 2*3*112 + 4*9*4 = 672 + 144 = 816
    // head: 2*B*H*H + 2*B*H*C = 32 + 24 = 56
    assertEquals(2 * 816 + 56, BenchCommand.forwardFlops(c, 1, 3, true), 1e-9);
  }

  @Test
  void rejectsTooLongSequences() {
    StringWriter err = new StringWriter();
    int rc = Main.run(new String[] {"bench", "--model", FIXTURE.toString(), "--length", "513"},
        new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(1, rc);
    assertTrue(err.toString().contains("max_position_embeddings"), err.toString());
  }
}
