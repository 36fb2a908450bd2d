package io.finbert4j.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.core.Parameter;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW state as {@code optimizer.safetensors}: for every parameter updated at least once, tensors
 * {@code <hf name>.exp_avg} and {@code <hf name>.exp_avg_sq} (F32, the parameter's shape, PyTorch's state names),
 * and in the metadata {@code "steps"}: a JSON object hf name → update count, plus the hyper-parameters.
 */
public final class OptimizerState {
  public static final String FILE = "optimizer.safetensors";
  static final String EXP_AVG = ".exp_avg";
  static final String EXP_AVG_SQ = ".exp_avg_sq";
  static final String STEPS = "steps";

  private OptimizerState() {}

  public static void save(AdamW opt, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode steps = json.createObjectNode();
    List<Tensor> tensors = new ArrayList<>();
    Iterator<Parameter> ps = opt.parameters().iterator();
    for (AdamW.ParamState s : opt.state()) {
      Parameter p = ps.next();
      steps.put(s.name(), s.step());
      if (s.m() != null) {
        long[] shape = p.value().shape();
        tensors.add(Tensor.ofFloats(s.name() + EXP_AVG, shape, s.m()));
        tensors.add(Tensor.ofFloats(s.name() + EXP_AVG_SQ, shape, s.v()));
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put(STEPS, json.writeValueAsString(steps));
    AdamW.Hyper h = opt.hyper();
    meta.put("optimizer", "AdamW");
    meta.put("betas", h.beta1() + "," + h.beta2());
    meta.put("eps", Double.toString(h.eps()));
    meta.put("weight_decay", Double.toString(h.weightDecay()));
    Safetensors.write(file, tensors, meta);
  }

  /**
   * Loads state saved by {@link #save} into {@code opt}.
   *
   * @throws IllegalArgumentException if the file names an unknown parameter or a shape differs
   */
  public static void load(AdamW opt, Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    try (TensorSource src = Safetensors.open(file)) {
      String stepsJson = src.metadata().get(STEPS);
      if (stepsJson == null) {
        throw new IllegalArgumentException(file + " has no \"" + STEPS + "\" metadata: not an optimizer state file");
      }
      ObjectNode steps = (ObjectNode) json.readTree(stepsJson);
      List<AdamW.ParamState> states = new ArrayList<>();
      for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = steps.fields(); it.hasNext(); ) {
        Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
        String name = e.getKey();
        float[] m = src.contains(name + EXP_AVG) ? src.get(name + EXP_AVG).toFloatArray() : null;
        float[] v = src.contains(name + EXP_AVG_SQ) ? src.get(name + EXP_AVG_SQ).toFloatArray() : null;
        states.add(new AdamW.ParamState(name, m, v, e.getValue().asLong()));
      }
      opt.loadState(states);
    }
  }
}
