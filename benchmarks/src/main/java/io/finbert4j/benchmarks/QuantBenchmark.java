package io.finbert4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.finbert4j.core.quant.FloatLinear;
import io.finbert4j.core.quant.Int8Support;
import io.finbert4j.core.quant.Linear;
import io.finbert4j.core.quant.QuantizedLinear;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * int8 vs float32 inference kernels, and the peer figures for reduced precision on this machine.
 *
 * <ul>
 *   <li>{@link #linear}: {@link QuantizedLinear} (dynamic per-token int8 activations, oneDNN VNNI product, Java
 *       rescale + bias) against {@link FloatLinear} (bias pre-fill + sgemm) at MiniLM's four Linear shapes with
 *       M = 32×48 = 1536 rows. {@code precision=int8} fails its trial unless {@link Int8Support#available()}
 *       (scripts/bench.sh QuantBenchmark).
 *   <li>{@link #ortMiniLm}: ONNX Runtime running all-MiniLM-L6-v2 in fp32 and its own dynamically quantized int8
 *       export (the .onnx files inside the langchain4j jars) at 32×48 and 1×16; score = sequences/s when
 *       multiplied by B (JMH reports calls/s).
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class QuantBenchmark {
  /** MiniLM Linear at M = 1536 rows. */
  @State(Scope.Thread)
  public static class LinearState {
    @Param({"float32", "int8"})
    public String precision;

    /** "IN:OUT" of MiniLM's fused QKV, attention output, intermediate and output Linears. */
    @Param({"384:1152", "384:384", "384:1536", "1536:384"})
    public String shape;

    @Param({"1536"})
    public int m;

    Linear linear;
    INDArray x; // [M, IN]
    INDArray y; // [M, OUT]

    @Setup(Level.Trial)
    public void setUp() {
      int[] io = PeakProbe.parseKn(shape);
      Nd4j.getRandom().setSeed(1);
      INDArray w = Nd4j.randn(DataType.FLOAT, io[1], io[0]).muli(0.05);
      INDArray b = Nd4j.randn(DataType.FLOAT, io[1]);
      x = Nd4j.randn(DataType.FLOAT, m, io[0]);
      y = Nd4j.create(DataType.FLOAT, m, io[1]);
      if (precision.equals("int8")) {
        if (!Int8Support.available()) {
          throw new IllegalStateException("int8 unavailable: " + Int8Support.status().reason());
        }
        linear = QuantizedLinear.quantize(w, b, QuantizedLinear.ActivationScaling.PER_ROW);
      } else {
        linear = new FloatLinear(w, b);
      }
    }
  }

  @Benchmark
  public INDArray linear(LinearState s) {
    s.linear.forward(s.x, s.y);
    return s.y;
  }

  /** ONNX Runtime MiniLM session with fixed random inputs. */
  @State(Scope.Thread)
  public static class OrtState {
    /** fp32: all-minilm-l6-v2.onnx; int8: all-minilm-l6-v2-q.onnx (ORT dynamic quantization). */
    @Param({"fp32", "int8"})
    public String model;

    /** batch x tokens. */
    @Param({"32x48", "1x16"})
    public String shape;

    OrtEnvironment env;
    OrtSession session;
    Map<String, OnnxTensor> inputs;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
      String resource = model.equals("int8") ? "all-minilm-l6-v2-q.onnx" : "all-minilm-l6-v2.onnx";
      byte[] bytes;
      try (InputStream in = QuantBenchmark.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IOException("resource " + resource + " not on the class path (langchain4j-embeddings jars)");
        }
        bytes = in.readAllBytes();
      }
      env = OrtEnvironment.getEnvironment();
      session = env.createSession(bytes, new OrtSession.SessionOptions());
      inputs = bertInputs(env, session, shape, 7);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
      session.close();
    }
  }

  @Benchmark
  public Object ortMiniLm(OrtState s) throws OrtException {
    try (OrtSession.Result r = s.session.run(s.inputs)) {
      return r.get(0).getValue();
    }
  }

  /** Any BERT ONNX file (e.g. a FinBERT-size random model from RandomBert + OnnxBertExporter) in ORT. */
  @State(Scope.Thread)
  public static class OrtFileState {
    /** Path of the .onnx file; required (-p onnx=/path/model.onnx). */
    @Param({""})
    public String onnx;

    /** batch x tokens (issue #6's grid). */
    @Param({"1x16", "1x64", "1x128", "32x48", "32x128"})
    public String shape;

    OrtEnvironment env;
    OrtSession session;
    Map<String, OnnxTensor> inputs;

    @Setup(Level.Trial)
    public void setUp() throws OrtException {
      if (onnx.isEmpty()) {
        throw new IllegalArgumentException("ortBert needs -p onnx=/path/model.onnx (make one with "
            + "java -cp 'cli/target/*:cli/target/lib/*' io.finbert4j.cli.onnx.RandomBert DIR)");
      }
      env = OrtEnvironment.getEnvironment();
      session = env.createSession(onnx, new OrtSession.SessionOptions());
      inputs = bertInputs(env, session, shape, 11);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
      session.close();
    }
  }

  /** End-to-end ORT latency (SampleTime: p50 / p99 per call; sequences/s = B / mean). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object ortBert(OrtFileState s) throws OrtException {
    try (OrtSession.Result r = s.session.run(s.inputs)) {
      return r.get(0).getValue();
    }
  }

  /** Random BERT inputs for "BxT" ({@link BenchInputs}), only the tensors the session declares. */
  static Map<String, OnnxTensor> bertInputs(OrtEnvironment env, OrtSession session, String shape, long seed)
      throws OrtException {
    int[] bt = BenchInputs.parseShape(shape);
    return BenchInputs.random(bt[0], bt[1], BERT_VOCAB, seed).ortTensors(env, session);
  }

  /** bert-base-uncased's vocabulary size (MiniLM and the FinBERT-size model share it). */
  static final int BERT_VOCAB = 30522;
}
