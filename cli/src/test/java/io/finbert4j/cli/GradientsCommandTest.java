package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External parity of the backward pass: {@code finbert gradients} on tiny-finbert with reference.json's items as ONE
 * batch must reproduce grads.safetensors (an independent float64 implementation) per tensor to 1e-3 relative, and
 * the loss to 1e-5.
 */
class GradientsCommandTest {
  static final double GRAD_REL_TOL = 1e-3;
  static final double LOSS_TOL = 1e-5;
  /** Reference gradient norms below this are float64 rounding noise around an exact zero. */
  static final double ZERO_GRAD_NORM = 1e-6;
  @TempDir Path tmp;

  @Test
  void matchesReferenceGradientsAndLoss() throws Exception {
    JsonNode ref = TrainingFixtures.reference();
    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (JsonNode item : ref.get("items")) {
      ObjectNode o = json.createObjectNode();
      o.put("text", item.get("text").get(0).asText());
      if (item.get("text").size() > 1) {
        o.put("text_pair", item.get("text").get(1).asText());
      }
      o.put("label", item.get("label").asInt());
      lines.append(o).append('\n');
    }
    Path data = tmp.resolve("batch.jsonl");
    Files.writeString(data, lines);
    Path out = tmp.resolve("grads.safetensors");
    TrainingFixtures.Run r = TrainingFixtures.run("gradients", "--model", TrainingFixtures.dir().toString(), "--data",
        data.toString(), "--out", out.toString());
    assertEquals(0, r.rc(), r.err());
    String last = r.lastLine();
    assertTrue(last.startsWith("loss "), "last line must be `loss <value>`, got: " + last);
    double loss = Double.parseDouble(last.substring("loss ".length()));
    double refLoss = ref.get("loss").asDouble();
    System.out.printf(Locale.ROOT, "loss %.8f reference %.8f (diff %.2e)%n", loss, refLoss, Math.abs(loss - refLoss));
    assertEquals(refLoss, loss, LOSS_TOL, "batch loss");

    List<String> failures = new ArrayList<>();
    try (TensorSource ours = Safetensors.open(out);
        TensorSource expected = Safetensors.open(TrainingFixtures.dir().resolve("grads.safetensors"))) {
      assertEquals(new TreeSet<>(expected.names()), new TreeSet<>(ours.names()), "gradient tensor names");
      double worst = 0;
      for (String name : expected.names()) {
        float[] e = expected.get(name).toFloatArray();
        float[] o = ours.get(name).toFloatArray();
        assertEquals(e.length, o.length, name + " length");
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < e.length; i++) {
          diff += (o[i] - (double) e[i]) * (o[i] - (double) e[i]);
          norm += (double) e[i] * e[i];
        }
        double rel = norm == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(diff / norm);
        System.out.printf(Locale.ROOT, "%-60s rel %.3e  |ref| %.3e  |diff| %.3e%n", name, rel, Math.sqrt(norm),
            Math.sqrt(diff));
        if (Math.sqrt(norm) < ZERO_GRAD_NORM) {
          // Mathematically zero gradient (attention key biases: softmax ignores a per-query constant score
          // shift); both sides hold only rounding noise, so compare absolutely.
          if (!(Math.sqrt(diff) <= ZERO_GRAD_NORM)) {
            failures.add(name + " should be ~0, differs by " + Math.sqrt(diff));
          }
          continue;
        }
        worst = Math.max(worst, rel);
        if (!(rel <= GRAD_REL_TOL)) {
          failures.add(name + " rel " + rel);
        }
      }
      System.out.printf(Locale.ROOT, "worst relative gradient difference %.3e%n", worst);
    }
    assertTrue(failures.isEmpty(), "gradients differ beyond " + GRAD_REL_TOL + ": " + failures);
  }
}
