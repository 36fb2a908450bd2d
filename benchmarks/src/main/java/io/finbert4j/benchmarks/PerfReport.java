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
 * ({@link InferenceBenchmark}: p50 / p99 latency, sequences/s, GFLOP/s and the fraction of the peak), and the
 * training step ({@link TrainStepBenchmark}). Every number comes from the files; nothing is assumed.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.finbert4j.benchmarks.PerfReport peak.json inference.json train.json</pre>
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

  static void inferenceSection(List<JsonNode> results, double peak, StringBuilder out) {
    Map<String, JsonNode[]> rows = new LinkedHashMap<>(); // model|shape → {ours, ort}
    for (JsonNode r : results) {
      if (!cls(r).equals("InferenceBenchmark")) {
        continue;
      }
      String key = param(r, "model") + "|" + param(r, "shape");
      JsonNode[] pair = rows.computeIfAbsent(key, k -> new JsonNode[2]);
      pair[method(r).equals("finbert4j") ? 0 : 1] = r;
    }
    if (rows.isEmpty()) {
      return;
    }
    out.append("| model | batch x tokens | ours p50 / p99 ms | ORT p50 / p99 ms | ours seq/s | ORT seq/s "
        + "| ours / ORT throughput | ORT / ours p50 latency | ours GFLOP/s | ours % of peak | ORT % of peak |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    rows.forEach((key, pair) -> {
      String model = key.substring(0, key.indexOf('|'));
      String shape = key.substring(key.indexOf('|') + 1);
      int b = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
      int t = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
      double flops = forwardFlops(model, b, t);
      String[] cells = new String[11];
      cells[0] = model;
      cells[1] = b + " x " + t;
      double[] seqs = new double[2];
      double[] p50 = new double[2];
      double[] gflops = new double[2];
      for (int i = 0; i < 2; i++) {
        JsonNode r = pair[i];
        if (r == null) {
          cells[2 + i] = "-";
          seqs[i] = Double.NaN;
          p50[i] = Double.NaN;
          gflops[i] = Double.NaN;
          continue;
        }
        double s = secondsPerCall(r);
        p50[i] = percentileMs(r, "50.0");
        cells[2 + i] = fmt(p50[i], 2) + " / " + fmt(percentileMs(r, "99.0"), 2);
        seqs[i] = b / s;
        gflops[i] = flops / s / 1e9;
      }
      cells[4] = fmt(seqs[0], 1);
      cells[5] = fmt(seqs[1], 1);
      cells[6] = fmt(seqs[0] / seqs[1], 2) + "x";
      cells[7] = fmt(p50[1] / p50[0], 2) + "x";
      cells[8] = fmt(gflops[0], 1);
      cells[9] = fmt(100 * gflops[0] / peak, 0) + " %";
      cells[10] = fmt(100 * gflops[1] / peak, 0) + " %";
      out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    });
    out.append('\n');
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
