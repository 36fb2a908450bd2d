package io.finbert4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PerfReport} on hand-made JMH results whose ratios are worked out here: ours float32 100 ms per call of
 * 32 sequences (320 seq/s), ONNX Runtime 50 ms (640 seq/s), ours int8 64 ms (500 seq/s), ONNX Runtime's int8 MiniLM
 * 20 calls/s (640 seq/s); bf16 not run.
 */
class PerfReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode sample(String method, String model, String shape, double meanMs, double p50, double p99)
      throws Exception {
    return JSON.readTree("""
        {"benchmark": "io.finbert4j.benchmarks.InferenceBenchmark.%s", "mode": "sample",
         "params": {"model": "%s", "shape": "%s"},
         "primaryMetric": {"score": %s, "scoreUnit": "ms/op", "scorePercentiles": {"50.0": %s, "99.0": %s}}}
        """.formatted(method, model, shape, meanMs, p50, p99));
  }

  @Test
  void tablesCarryEveryPrecisionAndTheRatiosAgainstOnnxRuntime() throws Exception {
    List<JsonNode> results = new ArrayList<>();
    results.add(sample("finbert4j", "minilm", "32x48", 100, 96, 120));
    results.add(sample("onnxruntime", "minilm", "32x48", 50, 48, 60));
    results.add(sample("finbert4jInt8", "minilm", "32x48", 64, 60, 70));
    results.add(JSON.readTree("""
        {"benchmark": "io.finbert4j.benchmarks.QuantBenchmark.ortMiniLm", "mode": "thrpt",
         "params": {"model": "int8", "shape": "32x48"}, "primaryMetric": {"score": 20, "scoreUnit": "ops/s"}}
        """));
    results.add(JSON.readTree("""
        {"benchmark": "io.finbert4j.benchmarks.QuantBenchmark.ortMiniLm", "mode": "thrpt",
         "params": {"model": "fp32", "shape": "32x48"}, "primaryMetric": {"score": 99, "scoreUnit": "ops/s"}}
        """));
    StringBuilder out = new StringBuilder();
    PerfReport.inferenceSection(results, Double.NaN, out);
    String md = out.toString();
    assertTrue(md.contains("| minilm | 32 x 48 | 96.00 / 120.00 | 48.00 / 60.00 | 320.0 | 640.0 | 0.50x | 0.50x |"),
        md);
    // bf16 not run: dashes; int8 500 seq/s = 0.78x ORT's float32 and 1.56x ours
    assertTrue(md.contains("| minilm | 32 x 48 | - | - | - | 60.00 / 70.00 | 500.0 | 0.78x | 1.56x |"), md);
    // against ORT's own int8 model (its float32 result of QuantBenchmark is not this table's)
    assertTrue(md.contains("| MiniLM | 32 x 48 | 500.0 | 640.0 | 0.78x |"), md);
  }
}
