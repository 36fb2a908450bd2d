package io.finbert4j.core;

import io.finbert4j.core.dense.DenseBackend;
import io.finbert4j.core.dense.OneDnnDense;
import io.finbert4j.core.nn.BertEmbeddings;
import io.finbert4j.core.nn.BertEncoder;
import io.finbert4j.core.nn.BertLayer;
import io.finbert4j.core.nn.BertPooler;
import io.finbert4j.core.nn.Buf;
import io.finbert4j.core.nn.Fwd;
import io.finbert4j.core.nn.Int8Kernels;
import io.finbert4j.core.nn.Mode;
import io.finbert4j.core.nn.Profiler;
import io.finbert4j.core.nn.Workspaces;
import io.finbert4j.core.quant.Int8Support;
import io.finbert4j.core.quant.Precision;
import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HF {@code BertModel}: embeddings → encoder → optional pooler. Usable on its own for encoders without a
 * classification head (last hidden state, pooled output). Inference methods are thread-safe: parameters are
 * only read, and every activation is allocated per call.
 */
public final class BertModel implements AutoCloseable {
  private final BertConfig config;
  private final ParameterRegistry registry;
  final BertEmbeddings embeddings;
  final BertEncoder encoder;
  BertPooler pooler; // null when the checkpoint has none
  private final Precision precision; // requested inference precision
  private final Int8Kernels int8; // int8 kernels of this view when int8 runs, else null
  private final DenseBackend bf16; // bf16 products of this view when bf16 runs, else null

  /** What backward needs from a forward pass. */
  record Cache(BertEmbeddings.Cache embeddings, List<BertLayer.Cache> encoder, BertPooler.Cache pooler, int b, int t) {}

  /** Creates a zero-initialised model; load or {@link #initializeWeights(long)} before use. */
  BertModel(BertConfig config, ParameterRegistry registry, boolean withPooler) {
    this.config = config;
    this.registry = registry;
    this.embeddings = new BertEmbeddings(registry, config);
    this.encoder = new BertEncoder(registry, config);
    this.pooler = withPooler ? new BertPooler(registry, config, config.numHiddenLayers()) : null;
    this.precision = Precision.FLOAT32;
    this.int8 = null;
    this.bf16 = null;
  }

  /** A view of {@code base} sharing every module and parameter, with another inference precision. */
  private BertModel(BertModel base, Precision precision) {
    this.config = base.config;
    this.registry = base.registry;
    this.embeddings = base.embeddings;
    this.encoder = base.encoder;
    this.pooler = base.pooler;
    this.precision = precision;
    this.int8 = effectivePrecision(precision, registry) == Precision.INT8 ? new Int8Kernels() : null;
    this.bf16 = effectivePrecision(precision, registry) == Precision.BF16 ? new OneDnnDense(true) : null;
    if (int8 != null) {
      registry.lifecycle().onClose(int8::close);
    }
    if (bf16 != null) {
      registry.lifecycle().onClose(bf16::close);
    }
  }

  /**
   * Releases the native resources of the dense layers now (oneDNN primitives and streams, this view's bf16
   * backend); the model's close calls it. Products after it run on ND4J's gemm. Idempotent.
   */
  public void closeDense() {
    if (bf16 != null) {
      bf16.close();
    }
    registry.closeDense();
  }

  /**
   * Releases the off-heap memory of the weights (and of every precision view's int8 kernels) now, instead of at some
   * later garbage collection. Waits for passes in flight on other threads; closing twice is harmless; afterwards
   * every call fails with an IllegalStateException. Views made by {@link #withPrecision} share the weights: closing
   * any of them closes all.
   */
  @Override
  public void close() {
    registry.close();
  }

  /** Whether {@link #close()} was called (on this model or any view sharing its weights). */
  public boolean isClosed() {
    return registry.isClosed();
  }

  /**
   * This encoder for inference ({@link #lastHiddenState}, {@link #pooledOutput}) at {@code precision}: a view
   * sharing all parameters; see {@link BertForSequenceClassification#withPrecision} for what runs in int8 and
   * the fallback to float32 ({@link #effectivePrecision()}, {@link #precisionNotice()}).
   */
  public BertModel withPrecision(Precision precision) {
    return new BertModel(this, java.util.Objects.requireNonNull(precision, "precision"));
  }

  /** The inference precision requested for this view (FLOAT32 unless made by {@link #withPrecision}). */
  public Precision precision() {
    return precision;
  }

  /** The inference precision that actually runs: INT8 only when requested and available (float32 model). */
  public Precision effectivePrecision() {
    return int8 != null ? Precision.INT8 : bf16 != null ? Precision.BF16 : Precision.FLOAT32;
  }

  /** One line when int8 was requested but float32 runs, with the reason; else null. */
  public String precisionNotice() {
    return precisionNotice(precision, registry);
  }

  /** INT8 when requested, available ({@link Int8Support}) and the parameters are float32; else FLOAT32. */
  static Precision effectivePrecision(Precision requested, ParameterRegistry params) {
    return params.dataType() == DataType.FLOAT ? requested.effective() : Precision.FLOAT32;
  }

  static String precisionNotice(Precision requested, ParameterRegistry params) {
    if (requested == Precision.BF16) {
      return effectivePrecision(requested, params) == Precision.BF16 ? null
          : "bf16 requested but unavailable (" + (params.dataType() != DataType.FLOAT
              ? "the model is " + params.dataType() + ", bf16 needs a float32 model" : Precision.bf16Status())
              + "); running float32";
    }
    if (requested != Precision.INT8 || effectivePrecision(requested, params) == Precision.INT8) {
      return null;
    }
    String why = params.dataType() != DataType.FLOAT
        ? "the model is " + params.dataType() + ", int8 needs a float32 model"
        : Int8Support.status().reason();
    return "int8 requested but unavailable (" + why + "); running float32";
  }

  /** A new model with random weights (HF's init: normal(0, initializer_range), zero biases, LayerNorm 1/0). */
  public static BertModel random(BertConfig config, DataType dataType, boolean withPooler, long seed) {
    BertModel m = new BertModel(config, new ParameterRegistry(dataType), withPooler);
    m.initializeWeights(seed);
    return m;
  }

  /** Loads a model directory (safetensors, sharded safetensors or pytorch_model.bin), float32. */
  public static BertModel load(Path modelDir) throws IOException {
    return load(modelDir, DataType.FLOAT);
  }

  public static BertModel load(Path modelDir, DataType dataType) throws IOException {
    BlasKernel.report(); // a slow fallback kernel is said once, at the first load
    try (BertCheckpoint ckpt = BertCheckpoint.open(modelDir)) {
      BertModel m = new BertModel(ckpt.config(), new ParameterRegistry(dataType), ckpt.hasPooler());
      try {
        m.registry.loadFrom(ckpt.tensors());
      } catch (RuntimeException e) {
        m.close();
        throw e;
      }
      return m;
    }
  }

  public BertConfig config() {
    return config;
  }

  public ParameterRegistry parameters() {
    return registry;
  }

  public boolean hasPooler() {
    return pooler != null;
  }

  void initializeWeights(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double std = config.initializerRange();
    for (Parameter p : registry) {
      String n = p.name();
      if (n.contains("LayerNorm")) {
        p.value().assign(n.endsWith(".weight") ? 1.0 : 0.0);
      } else if (n.endsWith(".bias")) {
        p.value().assign(0.0);
      } else {
        normalInit(p.value(), std, rng);
      }
    }
    // HF zeroes the padding row of the word embeddings.
    int pad = config.padTokenId();
    if (pad >= 0 && pad < config.vocabSize()) {
      registry.get("bert.embeddings.word_embeddings.weight").value().getRow(pad).assign(0.0);
    }
  }

  static void normalInit(INDArray a, double std, SplittableRandom rng) {
    Buf b = Buf.of(a);
    for (int i = 0; i < b.length(); i++) {
      b.set(i, gaussian(rng) * std);
    }
  }

  private static double gaussian(SplittableRandom rng) {
    // Box–Muller (SplittableRandom has no nextGaussian on Java 17)
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Creates a pooler (random init) if the model has none; used when a head is put on a bare encoder. */
  void ensurePooler(long seed) {
    if (pooler == null) {
      pooler = new BertPooler(registry, config, config.numHiddenLayers());
      SplittableRandom rng = new SplittableRandom(seed);
      normalInit(registry.get("bert.pooler.dense.weight").value(), config.initializerRange(), rng);
    }
  }

  /** Validated batch geometry and the additive mask. */
  record Inputs(int[][] ids, int[][] types, double[][] maskAdd, int b, int t) {}

  Inputs inputs(int[][] ids, int[][] mask, int[][] types) {
    if (ids == null || ids.length == 0 || ids[0] == null || ids[0].length == 0) {
      throw new IllegalArgumentException("BertModel: input_ids must be a non-empty [B][T] array");
    }
    int b = ids.length;
    int t = ids[0].length;
    check("input_ids", ids, b, t);
    if (mask != null) {
      check("attention_mask", mask, b, t);
    }
    if (types != null) {
      check("token_type_ids", types, b, t);
    } else {
      types = new int[b][t];
    }
    double neg = registry.dataType() == DataType.DOUBLE ? -Double.MAX_VALUE : -Float.MAX_VALUE;
    double[][] maskAdd = new double[b][t];
    if (mask != null) {
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < t; j++) {
          maskAdd[i][j] = mask[i][j] != 0 ? 0.0 : neg;
        }
      }
    }
    return new Inputs(ids, types, maskAdd, b, t);
  }

  private static void check(String what, int[][] a, int b, int t) {
    if (a.length != b) {
      throw new IllegalArgumentException("BertModel: " + what + " has " + a.length + " rows, expected " + b);
    }
    for (int i = 0; i < b; i++) {
      if (a[i] == null || a[i].length != t) {
        throw new IllegalArgumentException("BertModel: " + what + " row " + i + " has length "
            + (a[i] == null ? "null" : a[i].length) + ", expected " + t + " (inputs must be padded to one length)");
      }
    }
  }

  /** Forward through embeddings, encoder and (if requested and present) the pooler. */
  Fwd<Cache> forward(Inputs in, Mode mode, boolean pool) {
    Fwd<BertEmbeddings.Cache> e = embeddings.forward(in.ids(), in.types(), mode);
    Fwd<List<BertLayer.Cache>> enc = encoder.forward(e.out(), in.maskAdd(), mode);
    if (!pool) {
      return new Fwd<>(enc.out(), new Cache(e.cache(), enc.cache(), null, in.b(), in.t()));
    }
    if (pooler == null) {
      throw new IllegalStateException("this model has no pooler (bert.pooler.dense.*): pooled output is unavailable");
    }
    Fwd<BertPooler.Cache> p = pooler.forward(enc.out(), in.b(), in.t());
    return new Fwd<>(p.out(), new Cache(e.cache(), enc.cache(), p.cache(), in.b(), in.t()));
  }

  /** Backward from d(pooled) [B, H] (or d(last hidden) [B·T, H] when the forward did not pool). */
  void backward(Cache c, INDArray dOut) {
    INDArray dHidden = c.pooler() != null ? pooler.backward(c.pooler(), dOut) : dOut;
    INDArray dEmb = encoder.backward(c.encoder(), dHidden);
    embeddings.backward(c.embeddings(), dEmb);
  }

  /** Last hidden state [B][T][H] (new arrays) at this view's {@link #effectivePrecision()}. Thread-safe. */
  public float[][][] lastHiddenState(int[][] ids, int[][] mask, int[][] types) {
    return registry.lifecycle().use("BertModel.lastHiddenState",
        () -> Workspaces.run(Workspaces.INFERENCE, () -> lastHiddenStateInWorkspace(ids, mask, types)));
  }

  private float[][][] lastHiddenStateInWorkspace(int[][] ids, int[][] mask, int[][] types) {
    Inputs in = inputs(ids, mask, types);
    INDArray h = forward(in, Mode.eval(int8, bf16), false).out();
    int hs = config.hiddenSize();
    long t0 = Profiler.start();
    float[] flat = h.castTo(DataType.FLOAT).data().asFloat();
    float[][][] out = new float[in.b()][in.t()][hs];
    for (int i = 0; i < in.b(); i++) {
      for (int j = 0; j < in.t(); j++) {
        System.arraycopy(flat, (i * in.t() + j) * hs, out[i][j], 0, hs);
      }
    }
    Profiler.stop("output copy to Java arrays", t0);
    return out;
  }

  /** Pooled output [B][H] (tanh(dense(h[:,0]))) at this view's precision. Thread-safe; requires a pooler. */
  public float[][] pooledOutput(int[][] ids, int[][] mask, int[][] types) {
    return registry.lifecycle().use("BertModel.pooledOutput",
        () -> Workspaces.run(Workspaces.INFERENCE, () -> pooledOutputInWorkspace(ids, mask, types)));
  }

  private float[][] pooledOutputInWorkspace(int[][] ids, int[][] mask, int[][] types) {
    Inputs in = inputs(ids, mask, types);
    INDArray p = forward(in, Mode.eval(int8, bf16), true).out();
    return p.castTo(DataType.FLOAT).toFloatMatrix();
  }
}
