package io.finbert4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.core.Backend;
import io.finbert4j.core.BertModel;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end encoder inference, finbert4j vs ONNX Runtime, on the same all-MiniLM-L6-v2 weights and the
 * same inputs, side by side in one run (issue #4 §6).
 *
 * <p>Shapes: batch 32 × 48 tokens (throughput) and batch 1 × 16 tokens (latency-bound). Inputs are random
 * word-piece ids (seeded; {@code [CLS]} first, {@code [SEP]} last), attention mask all ones, token types 0.
 * Scores are sequences per second ({@link OperationsPerInvocation} = batch size). Both sides return
 * {@code last_hidden_state [B, T, 384]}.
 *
 * <p>finbert4j loads the weights imported from the bundled ONNX file by
 * {@link io.finbert4j.cli.onnx.OnnxBertImporter} ({@link MiniLmResources#importedModel}); ONNX Runtime
 * runs that ONNX file with default session options (intra-op threads = physical cores, 2 on the build
 * host; graph optimizations ALL). Model files go to {@code -Dfinbert.bench.dir} (default: a directory under
 * {@code java.io.tmpdir}) and are reused across forks.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar InferenceBenchmark -rf json}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx4g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class InferenceBenchmark {
  static final int LARGE_B = 32;
  static final int LARGE_T = 48;
  static final int SMALL_B = 1;
  static final int SMALL_T = 16;
  static final long SEED = 42;
  /** bert-base-uncased / MiniLM special ids; random ids are drawn above the unused/special range. */
  static final int CLS = 101;
  static final int SEP = 102;
  static final int FIRST_WORD_ID = 1000;

  BertModel ours;
  OrtEnvironment env;
  OrtSession ort;
  Inputs large;
  Inputs small;

  /** One shape's inputs, for both engines. */
  static final class Inputs {
    final int[][] ids; // [B][T]
    final int[][] mask; // [B][T] all ones
    final int[][] types; // [B][T] zeros
    final Map<String, OnnxTensor> ortInputs;

    Inputs(OrtEnvironment env, OrtSession session, int b, int t, int vocab, Random rnd) throws OrtException {
      ids = new int[b][t];
      mask = new int[b][t];
      types = new int[b][t];
      long[][] lids = new long[b][t];
      long[][] lmask = new long[b][t];
      long[][] ltypes = new long[b][t];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          ids[i][j] = j == 0 ? CLS : j == t - 1 ? SEP : FIRST_WORD_ID + rnd.nextInt(vocab - FIRST_WORD_ID);
          mask[i][j] = 1;
          lids[i][j] = ids[i][j];
          lmask[i][j] = 1;
        }
      }
      ortInputs = new HashMap<>();
      for (String name : session.getInputNames()) {
        long[][] v = switch (name) {
          case "input_ids" -> lids;
          case "attention_mask" -> lmask;
          case "token_type_ids" -> ltypes;
          default -> throw new IllegalStateException("unexpected ONNX input " + name);
        };
        ortInputs.put(name, OnnxTensor.createTensor(env, v));
      }
    }

    void close() {
      ortInputs.values().forEach(OnnxTensor::close);
    }
  }

  @Setup(Level.Trial)
  public void setup() throws IOException, OrtException {
    Backend.select(Backend.CPU);
    Path dir = Path.of(System.getProperty("finbert.bench.dir",
        Path.of(System.getProperty("java.io.tmpdir"), "finbert4j-bench-minilm").toString()));
    Path modelDir = MiniLmResources.importedModel(dir);
    Path onnx = MiniLmResources.extract(modelDir.resolve("onnx")).onnx();
    ours = BertModel.load(modelDir);
    int vocab = BertConfig.load(modelDir.resolve("config.json")).vocabSize();
    env = OrtEnvironment.getEnvironment();
    ort = env.createSession(onnx.toString(), new OrtSession.SessionOptions());
    Random rnd = new Random(SEED);
    large = new Inputs(env, ort, LARGE_B, LARGE_T, vocab, rnd);
    small = new Inputs(env, ort, SMALL_B, SMALL_T, vocab, rnd);
    if (!Files.isRegularFile(onnx)) {
      throw new IllegalStateException("ONNX model missing: " + onnx);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    large.close();
    small.close();
    ort.close();
  }

  private float[][][] runOurs(Inputs in) {
    return ours.lastHiddenState(in.ids, in.mask, in.types);
  }

  private Object runOrt(Inputs in) throws OrtException {
    try (OrtSession.Result r = ort.run(in.ortInputs)) {
      return r.get(0).getValue(); // last_hidden_state [B][T][H] copied out, as ours returns it
    }
  }

  @Benchmark
  @OperationsPerInvocation(LARGE_B)
  public float[][][] finbert4j_b32_t48() {
    return runOurs(large);
  }

  @Benchmark
  @OperationsPerInvocation(LARGE_B)
  public Object onnxruntime_b32_t48() throws OrtException {
    return runOrt(large);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_B)
  public float[][][] finbert4j_b1_t16() {
    return runOurs(small);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_B)
  public Object onnxruntime_b1_t16() throws OrtException {
    return runOrt(small);
  }
}
