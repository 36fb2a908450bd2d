package io.finbert4j.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.cli.BenchCommand;
import io.finbert4j.cli.onnx.RandomBert;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JMH JSON files of one {@code scripts/perf-report.sh} run into the README's performance tables
 * (markdown on stdout): the sgemm peak ({@link PeakProbe}), end-to-end inference ours vs ONNX Runtime
 * ({@link InferenceBenchmark}: p50 / p99 latency, sequences/s, GFLOP/s and the fraction of the peak; ours also at
 * bf16 and int8), ours int8 against ONNX Runtime's int8 MiniLM ({@link QuantBenchmark#ortMiniLm}), and the training
 * step ({@link TrainStepBenchmark}). Every number comes from the files; nothing is assumed.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.finbert4j.benchmarks.PerfReport peak.json inference.json train.json ort-int8.json</pre>
 */
public final class PerfReport {
  private PerfReport() {}

  /** Configs of the two benchmarked models, for the FLOP count (MiniLM: encoder only; FinBERT-size: 3-label head). */
  static final Map<String, BertConfig> MODELS = Map.of(
      InferenceBenchmark.MINILM, BertConfig.builder().hiddenSize(384).numHiddenLayers(6).numAttentionHeads(12)
          .intermediateSize(1536).build(),
      InferenceBenchmark.BERT_BASE, RandomBert.finbertBase());

  /** Forward FLOPs of {@code model} at b × t, by the same count {@code finbert bench} uses. */
  static double forwardFlops(String model, int b, int t) {
    return BenchCommand.forwardFlops(MODELS.get(model), b, t, model.equals(InferenceBenchmark.BERT_BASE));
  }

  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: PerfReport <jmh-result.json>...");
    }
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> results = new ArrayList<>();
    for (String a : args) {
      JsonNode root = mapper.readTree(Files.readString(Path.of(a)));
      if (!root.isArray()) {
        throw new IllegalArgumentException(a + ": not a JMH JSON result array (run JMH with -rf json)");
      }
      root.forEach(results::add);
    }
    StringBuilder out = new StringBuilder();
    double peak = peakSection(results, out);
    inferenceSection(results, peak, out);
    trainSection(results, peak, out);
    System.out.print(out);
  }

  static String method(JsonNode r) {
    String b = r.get("benchmark").asText();
    return b.substring(b.lastIndexOf('.') + 1);
  }

  static String cls(JsonNode r) {
    String b = r.get("benchmark").asText();
    String c = b.substring(0, b.lastIndexOf('.'));
    return c.substring(c.lastIndexOf('.') + 1);
  }

  static String param(JsonNode r, String name) {
    JsonNode p = r.get("params");
    return p == null || p.get(name) == null ? null : p.get(name).asText();
  }

  /** Seconds per unit of a JMH score unit ("ms/op" → 1e-3, "ops/s" → 1). */
  static double unitSeconds(String unit) {
    String u = unit.contains("/op") ? unit.substring(0, unit.indexOf('/')) : unit.substring(unit.indexOf('/') + 1);
    return switch (u) {
      case "s" -> 1;
      case "ms" -> 1e-3;
      case "us" -> 1e-6;
      case "ns" -> 1e-9;
      default -> throw new IllegalArgumentException("unknown JMH unit " + unit);
    };
  }

  /** Mean seconds per call of a time-mode result. */
  static double secondsPerCall(JsonNode r) {
    JsonNode pm = r.get("primaryMetric");
    return pm.get("score").asDouble() * unitSeconds(pm.get("scoreUnit").asText());
  }

  /** A percentile (e.g. "50.0", "99.0") of a SampleTime result in ms. */
  static double percentileMs(JsonNode r, String pct) {
    JsonNode pm = r.get("primaryMetric");
    return pm.get("scorePercentiles").get(pct).asDouble() * unitSeconds(pm.get("scoreUnit").asText()) * 1e3;
  }

  static double peakSection(List<JsonNode> results, StringBuilder out) {
    Map<String, Double> rates = new LinkedHashMap<>();
    for (JsonNode r : results) {
      if (cls(r).equals("PeakProbe") && r.get("secondaryMetrics").has("mflop")) {
        double gflops = r.get("secondaryMetrics").get("mflop").get("score").asDouble() / 1e3;
        rates.put(param(r, "m") + " x " + param(r, "kn").replace(":", " -> ").replace(",", " -> "), gflops);
      }
    }
    double peak = rates.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    if (!rates.isEmpty()) {
      out.append("sgemm (Nd4j.gemm, float32) in the same run, GFLOP/s; peak = the best: ")
          .append(fmt(peak, 1)).append("\n\n| M x (K -> N) | GFLOP/s |\n|---|---|\n");
      rates.forEach((k, v) -> out.append("| ").append(k).append(" | ").append(fmt(v, 1)).append(" |\n"));
      out.append('\n');
    }
    return peak;
  }

  /** Our benchmark methods per precision, and ONNX Runtime's, in the order of the table's columns. */
  static final List<String> ENGINES = List.of("finbert4j", "finbert4jBf16", "finbert4jInt8", "onnxruntime");

  static void inferenceSection(List<JsonNode> results, double peak, StringBuilder out) {
    Map<String, JsonNode[]> rows = new LinkedHashMap<>(); // model|shape → one result per ENGINES entry
    for (JsonNode r : results) {
      if (!cls(r).equals("InferenceBenchmark") || !ENGINES.contains(method(r))) {
        continue;
      }
      String key = param(r, "model") + "|" + param(r, "shape");
      rows.computeIfAbsent(key, k -> new JsonNode[ENGINES.size()])[ENGINES.indexOf(method(r))] = r;
    }
    if (rows.isEmpty()) {
      return;
    }
    int ort = ENGINES.indexOf("onnxruntime");
    out.append("float32, ours vs ONNX Runtime:\n\n");
    out.append("| model | batch x tokens | ours p50 / p99 ms | ORT p50 / p99 ms | ours seq/s | ORT seq/s "
        + "| ours / ORT throughput | ORT / ours p50 latency | ours GFLOP/s | ours % of peak | ORT % of peak |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach((key, byEngine) -> {
      String model = key.substring(0, key.indexOf('|'));
      int[] bt = shape(key);
      double flops = forwardFlops(model, bt[0], bt[1]);
      JsonNode ours = byEngine[0];
      JsonNode theirs = byEngine[ort];
      double oursSeq = seqPerSecond(ours, bt[0]);
      double ortSeq = seqPerSecond(theirs, bt[0]);
      String[] cells = {model, bt[0] + " x " + bt[1], latencies(ours), latencies(theirs), fmt(oursSeq, 1),
          fmt(ortSeq, 1), fmt(oursSeq / ortSeq, 2) + "x", fmt(p50(theirs) / p50(ours), 2) + "x",
          fmt(oursSeq / bt[0] * flops / 1e9, 1), fmt(100 * oursSeq / bt[0] * flops / 1e9 / peak, 0) + " %",
          fmt(100 * ortSeq / bt[0] * flops / 1e9 / peak, 0) + " %"};
      out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    });
    out.append('\n');
    boolean anyLow = rows.values().stream().anyMatch(e -> e[1] != null || e[2] != null);
    if (anyLow) {
      out.append("Other precisions of ours (same inputs, same run), against ONNX Runtime float32 (a \"-\" was not run: "
          + "perf-report.sh runs bf16 only on CPUs with bf16 instructions):\n\n");
      out.append("| model | batch x tokens | bf16 p50 / p99 ms | bf16 seq/s | bf16 / ORT fp32 | int8 p50 / p99 ms "
          + "| int8 seq/s | int8 / ORT fp32 | int8 / ours fp32 |\n|---|---|---|---|---|---|---|---|---|\n");
      rows.forEach((key, e) -> {
        int[] bt = shape(key);
        double ortSeq = seqPerSecond(e[ort], bt[0]);
        double bf = seqPerSecond(e[1], bt[0]);
        double i8 = seqPerSecond(e[2], bt[0]);
        String[] cells = {key.substring(0, key.indexOf('|')), bt[0] + " x " + bt[1], latencies(e[1]), fmt(bf, 1),
            fmt(bf / ortSeq, 2) + "x", latencies(e[2]), fmt(i8, 1), fmt(i8 / ortSeq, 2) + "x",
            fmt(i8 / seqPerSecond(e[0], bt[0]), 2) + "x"};
        out.append("| ").append(String.join(" | ", cells).replace("NaNx", "-").replace("-x", "-")).append(" |\n");
      });
      out.append('\n');
    }
    int8VersusOrt(results, rows, out);
  }

  /** Ours int8 against ONNX Runtime's own int8 MiniLM ({@link QuantBenchmark#ortMiniLm}, calls/s x B). */
  static void int8VersusOrt(List<JsonNode> results, Map<String, JsonNode[]> rows, StringBuilder out) {
    StringBuilder table = new StringBuilder();
    for (JsonNode r : results) {
      if (!cls(r).equals("QuantBenchmark") || !method(r).equals("ortMiniLm") || !"int8".equals(param(r, "model"))) {
        continue;
      }
      String shape = param(r, "shape");
      int[] bt = shape("x|" + shape);
      double ortInt8 = r.get("primaryMetric").get("score").asDouble() / unitSeconds(
          r.get("primaryMetric").get("scoreUnit").asText()) * bt[0];
      JsonNode[] ours = rows.get(InferenceBenchmark.MINILM + "|" + shape);
      double oursInt8 = ours == null ? Double.NaN : seqPerSecond(ours[2], bt[0]);
      table.append("| MiniLM | ").append(bt[0]).append(" x ").append(bt[1]).append(" | ").append(fmt(oursInt8, 1))
          .append(" | ").append(fmt(ortInt8, 1)).append(" | ").append(fmt(oursInt8 / ortInt8, 2)).append("x |\n");
    }
    if (table.length() > 0) {
      out.append("int8, ours vs ONNX Runtime's own int8 MiniLM (all-minilm-l6-v2-q, dynamic quantization):\n\n")
          .append("| model | batch x tokens | ours int8 seq/s | ORT int8 seq/s | ours / ORT |\n|---|---|---|---|---|\n")
          .append(table).append('\n');
    }
  }

  /** [batch, tokens] of a "model|BxT" key. */
  static int[] shape(String key) {
    String shape = key.substring(key.indexOf('|') + 1);
    return new int[] {Integer.parseInt(shape.substring(0, shape.indexOf('x'))),
        Integer.parseInt(shape.substring(shape.indexOf('x') + 1))};
  }

  static double seqPerSecond(JsonNode r, int batch) {
    return r == null ? Double.NaN : batch / secondsPerCall(r);
  }

  static double p50(JsonNode r) {
    return r == null ? Double.NaN : percentileMs(r, "50.0");
  }

  static String latencies(JsonNode r) {
    return r == null ? "-" : fmt(percentileMs(r, "50.0"), 2) + " / " + fmt(percentileMs(r, "99.0"), 2);
  }

  static void trainSection(List<JsonNode> results, double peak, StringBuilder out) {
    for (JsonNode r : results) {
      if (!cls(r).equals("TrainStepBenchmark") || !method(r).equals("trainStep")) {
        continue;
      }
      int b = Integer.parseInt(param(r, "batch"));
      int t = Integer.parseInt(param(r, "seqLen"));
      double s = secondsPerCall(r);
      double gflops = TrainStepBenchmark.trainStepFlops(b, t) / s / 1e9;
      double runPeak = peak;
      for (JsonNode q : results) { // the benchmark's own BERT-base-shape sgemm probe, same JVM
        if (cls(q).equals("TrainStepBenchmark") && method(q).equals("sgemmBertBase")) {
          double probe = 2.0 * TrainStepBenchmark.BASE_M * TrainStepBenchmark.BASE_K * TrainStepBenchmark.BASE_N
              / secondsPerCall(q) / 1e9;
          runPeak = Double.isNaN(runPeak) ? probe : Math.max(runPeak, probe);
        }
      }
      out.append(String.format(Locale.ROOT,
          "Training step (MiniLM, forward + backward + AdamW) %d x %d: %.1f ms = %.1f examples/s = %.1f GFLOP/s "
              + "(3x forward FLOPs) = %.0f %% of the %.1f GFLOP/s sgemm peak%n%n",
          b, t, s * 1e3, b / s, gflops, 100 * gflops / runPeak, runPeak));
    }
  }

  static String fmt(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
