package io.finbert4j.core;

import io.finbert4j.core.nn.Buf;
import io.finbert4j.core.nn.Dropout;
import io.finbert4j.core.nn.Fwd;
import io.finbert4j.core.dense.DenseBackend;
import io.finbert4j.core.dense.OneDnnDense;
import io.finbert4j.core.nn.Int8Kernels;
import io.finbert4j.core.nn.Linear;
import io.finbert4j.core.nn.Mode;
import io.finbert4j.core.nn.Workspaces;
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
 * HF {@code BertForSequenceClassification}: {@link BertModel} with pooler, dropout, and a linear classifier
 * over {@code num_labels} (label names from config {@code id2label}, in id order — never hard-coded).
 * Inference is thread-safe; training calls ({@link #forwardBackward}) accumulate into the shared gradients
 * and must not run concurrently with each other.
 */
public final class BertForSequenceClassification implements AutoCloseable {
  private BertConfig config;
  final BertModel bert;
  Linear classifier; // [numLabels, H]
  private final double classifierDropout;
  private final Precision precision; // requested inference precision
  private final Int8Kernels int8; // int8 kernels of this view when int8 runs, else null
  private final DenseBackend bf16; // bf16 products of this view when bf16 runs, else null

  private record Cache(BertModel.Cache bert, INDArray pooled, Dropout.Mask dropMask) {}

  private BertForSequenceClassification(BertConfig config, BertModel bert) {
    if (config.numLabels() < 1) {
      throw new IllegalArgumentException("config.json has no labels (id2label): cannot build a classifier; "
          + "put a head on the encoder first (finbert init --labels ...)");
    }
    this.config = config;
    this.bert = bert;
    this.classifier = new Linear(bert.parameters(), "classifier", config.hiddenSize(), config.numLabels(),
        config.numHiddenLayers());
    this.classifierDropout = config.hiddenDropoutProb();
    this.precision = Precision.FLOAT32;
    this.int8 = null;
    this.bf16 = null;
  }

  /** A view of {@code base} sharing every parameter, with another inference precision. */
  private BertForSequenceClassification(BertForSequenceClassification base, Precision precision) {
    this.config = base.config;
    this.bert = base.bert;
    this.classifier = base.classifier;
    this.classifierDropout = base.classifierDropout;
    this.precision = precision;
    this.int8 = BertModel.effectivePrecision(precision, base.parameters()) == Precision.INT8
        ? new Int8Kernels() : null;
    this.bf16 = BertModel.effectivePrecision(precision, base.parameters()) == Precision.BF16
        ? new OneDnnDense(true) : null;
    if (int8 != null) {
      base.parameters().lifecycle().onClose(int8::close);
    }
    if (bf16 != null) {
      base.parameters().lifecycle().onClose(bf16::close);
    }
  }

  /**
   * Releases the native resources of the dense layers now (oneDNN primitives and streams of the shared parameters,
   * this view's bf16 backend): a model's close calls it. Products after it run on ND4J's gemm. Idempotent.
   */
  public void closeDense() {
    if (bf16 != null) {
      bf16.close();
    }
    parameters().closeDense();
  }

  /**
   * Releases the off-heap memory of all weights (encoder, pooler, classifier, gradients, the int8 kernels of every
   * precision view) now rather than at a later garbage collection. Waits for predictions in flight on other threads
   * (do not close a model while training it); closing twice is harmless; afterwards every call fails with an
   * IllegalStateException. Views made by {@link #withPrecision} share the weights: closing any of them closes all.
   */
  @Override
  public void close() {
    bert.close();
  }

  /** Whether {@link #close()} was called (on this model or any view sharing its weights). */
  public boolean isClosed() {
    return bert.isClosed();
  }

  /**
   * This model for inference at {@code precision} ({@code --precision}): a view sharing all parameters (nothing
   * is copied or reloaded). With {@link Precision#INT8} the encoder's four dense projections per layer (fused
   * Q/K/V, attention output, intermediate, output) run as int8 {@link io.finbert4j.core.quant.QuantizedLinear}s,
   * quantized once from the float weights on first use (thread-safe); embeddings, attention products, softmax,
   * LayerNorm, GELU, pooler and classifier stay float32. When int8 cannot run here (generic natives, no VNNI, a
   * DOUBLE model) the view runs float32: see {@link #effectivePrecision()} and {@link #precisionNotice()}.
   * Training ({@link #forwardBackward}) is always float32. The int8 weights are a snapshot taken at first use:
   * after changing the weights (training), call {@code withPrecision} again.
   */
  public BertForSequenceClassification withPrecision(Precision precision) {
    return new BertForSequenceClassification(this, java.util.Objects.requireNonNull(precision, "precision"));
  }

  /** The inference precision requested for this view (FLOAT32 unless made by {@link #withPrecision}). */
  public Precision precision() {
    return precision;
  }

  /** Tokens per warm-up pass: a typical short sentence. */
  static final int WARM_UP_TOKENS = 16;

  /**
   * Runs {@code passes} throw-away predictions on a 1 × 16 input so that the first real one is not a cold one: the
   * JIT compiles the elementwise kernels, the BLAS threads start and the inference workspace is sized. Returns this.
   * {@link FinBert#load} calls it; call it yourself after {@link #load} in latency-sensitive services.
   */
  public BertForSequenceClassification warmUp(int passes) {
    int t = Math.min(WARM_UP_TOKENS, config.maxPositionEmbeddings());
    int[][] ids = new int[1][t];
    int[][] mask = new int[1][t];
    int[][] types = new int[1][t];
    for (int j = 0; j < t; j++) {
      ids[0][j] = j % config.vocabSize();
      mask[0][j] = 1;
    }
    for (int i = 0; i < passes; i++) {
      predictLogits(ids, mask, types);
    }
    return this;
  }

  /** The inference precision that actually runs: INT8 only when requested and available (float32 model). */
  public Precision effectivePrecision() {
    return int8 != null ? Precision.INT8 : bf16 != null ? Precision.BF16 : Precision.FLOAT32;
  }

  /**
   * A one-line notice when the requested precision cannot run and float32 is used instead (with the reason),
   * else null.
   */
  public String precisionNotice() {
    return BertModel.precisionNotice(precision, parameters());
  }

  /** Loads a classifier directory, float32. The checkpoint must contain pooler and classifier weights. */
  public static BertForSequenceClassification load(Path modelDir) throws IOException {
    return load(modelDir, DataType.FLOAT);
  }

  public static BertForSequenceClassification load(Path modelDir, DataType dataType) throws IOException {
    BlasKernel.report(); // a slow fallback kernel is said once, at the first load
    try (BertCheckpoint ckpt = BertCheckpoint.open(modelDir)) {
      if (!ckpt.hasClassifier() || !ckpt.hasPooler()) {
        throw new IllegalArgumentException(modelDir + " has no classification head (classifier.* and "
            + "bert.pooler.dense.* weights): put one on it with `finbert init --from " + modelDir
            + " --labels ... --out DIR`");
      }
      BertModel bert = new BertModel(ckpt.config(), new ParameterRegistry(dataType), true);
      try {
        BertForSequenceClassification m = new BertForSequenceClassification(ckpt.config(), bert);
        bert.parameters().loadFrom(ckpt.tensors());
        return m;
      } catch (RuntimeException e) {
        bert.close(); // weights that failed to load are released now, not at some later GC
        throw e;
      }
    }
  }

  /** Random weights everywhere (HF init), for tests and benchmarks. */
  public static BertForSequenceClassification random(BertConfig config, DataType dataType, long seed) {
    BertModel bert = new BertModel(config, new ParameterRegistry(dataType), true);
    BertForSequenceClassification m = new BertForSequenceClassification(config, bert);
    bert.initializeWeights(seed);
    return m;
  }

  /**
   * Puts a freshly initialised head (pooler if absent, classifier: normal(0, initializer_range), zero bias)
   * for {@code labels} on a pretrained encoder directory.
   */
  public static BertForSequenceClassification withNewHead(Path encoderDir, List<String> labels, long seed)
      throws IOException {
    BertModel bert;
    try (BertCheckpoint ckpt = BertCheckpoint.open(encoderDir)) {
      bert = new BertModel(ckpt.config(), new ParameterRegistry(DataType.FLOAT), ckpt.hasPooler());
      bert.parameters().loadFrom(ckpt.tensors());
    }
    bert.ensurePooler(seed);
    BertConfig cfg = bert.config().withLabels(labels);
    BertForSequenceClassification m = new BertForSequenceClassification(cfg, bert);
    m.initClassifier(seed);
    return m;
  }

  private void initClassifier(long seed) {
    BertModel.normalInit(classifier.weight().value(), config.initializerRange(), new SplittableRandom(seed ^ 0x5DEECE66DL));
    classifier.bias().value().assign(0.0);
  }

  public BertConfig config() {
    return config;
  }

  public BertModel bert() {
    return bert;
  }

  public ParameterRegistry parameters() {
    return bert.parameters();
  }

  public List<String> labels() {
    return config.labels();
  }

  /** Logits [B][numLabels] in eval mode at this view's {@link #effectivePrecision()} (new arrays). Thread-safe. */
  public float[][] predictLogits(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds) {
    return forwardLogits(inputIds, attentionMask, tokenTypeIds, false, 0L);
  }

  /**
   * Logits [B][numLabels]; training = dropout on, with masks drawn from {@code dropoutSeed} (always float32),
   * else eval at this view's precision. No gradients.
   */
  public float[][] forwardLogits(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, boolean training,
      long dropoutSeed) {
    return parameters().lifecycle().use("BertForSequenceClassification.predictLogits",
        () -> Workspaces.run(Workspaces.INFERENCE, () -> {
          Fwd<Cache> f = forward(inputIds, attentionMask, tokenTypeIds,
              training ? Mode.training(dropoutSeed) : Mode.eval(int8, bf16));
          return f.out().castTo(DataType.FLOAT).toFloatMatrix();
        }));
  }

  private Fwd<Cache> forward(int[][] ids, int[][] mask, int[][] types, Mode mode) {
    BertModel.Inputs in = bert.inputs(ids, mask, types);
    Fwd<BertModel.Cache> b = bert.forward(in, mode, true);
    INDArray pooled = b.out().dup();
    Dropout.Mask dropMask = Dropout.applyInPlace(pooled, classifierDropout, mode);
    INDArray logits = classifier.forward(pooled);
    return new Fwd<>(logits, new Cache(b.cache(), pooled, dropMask));
  }

  /**
   * Always float32, whatever this view's {@link #precision()}: gradients need the float products.
   *
   * <p>Mean cross-entropy (weighted as torch's CrossEntropyLoss(weight): Σ w_y·nll / Σ w_y) over the batch;
   * ACCUMULATES d(loss)/d(param) into {@link #parameters()}' gradients (call zeroGrad first).
   *
   * @param labels class ids [B]
   * @param classWeights per-class weights [numLabels], or null for the plain mean
   * @return the loss
   */
  public float forwardBackward(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[] labels,
      float[] classWeights, boolean training, long dropoutSeed) {
    return (float) forwardBackwardDouble(inputIds, attentionMask, tokenTypeIds, labels, classWeights, training,
        dropoutSeed);
  }

  /** As {@link #forwardBackward} with the loss in double (for gradient checks in DOUBLE). */
  public double forwardBackwardDouble(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[] labels,
      float[] classWeights, boolean training, long dropoutSeed) {
    return parameters().lifecycle().use("BertForSequenceClassification.forwardBackward",
        () -> Workspaces.run(Workspaces.TRAINING,
            () -> forwardBackwardInWorkspace(inputIds, attentionMask, tokenTypeIds, labels, classWeights, training,
                dropoutSeed)));
  }

  private double forwardBackwardInWorkspace(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds,
      int[] labels, float[] classWeights, boolean training, long dropoutSeed) {
    Fwd<Cache> f = forward(inputIds, attentionMask, tokenTypeIds,
        training ? Mode.training(dropoutSeed) : Mode.EVAL);
    INDArray logits = f.out();
    int b = (int) logits.size(0);
    int c = (int) logits.size(1);
    if (labels == null || labels.length != b) {
      throw new IllegalArgumentException("labels must have one entry per batch row (" + b + "), got "
          + (labels == null ? "null" : labels.length));
    }
    if (classWeights != null && classWeights.length != c) {
      throw new IllegalArgumentException("classWeights must have " + c + " entries, got " + classWeights.length);
    }
    INDArray dLogits = logits.ulike();
    double loss = crossEntropy(Buf.of(logits), labels, classWeights, Buf.of(dLogits), b, c);
    INDArray dPooled = classifier.backward(f.cache().pooled(), dLogits);
    Dropout.backwardInPlace(dPooled, f.cache().dropMask());
    bert.backward(f.cache().bert(), dPooled);
    return loss;
  }

  /** Loss and dLogits (written) for softmax cross-entropy, weighted mean over rows. */
  static double crossEntropy(Buf logits, int[] labels, float[] w, Buf dLogits, int b, int c) {
    double wsum = 0;
    double loss = 0;
    double[] p = new double[c];
    for (int i = 0; i < b; i++) {
      int y = labels[i];
      if (y < 0 || y >= c) {
        throw new IllegalArgumentException("label " + y + " at row " + i + " is outside 0.." + (c - 1));
      }
      double wi = w == null ? 1.0 : w[y];
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        max = Math.max(max, logits.get(i * c + k));
      }
      double sum = 0;
      for (int k = 0; k < c; k++) {
        p[k] = Math.exp(logits.get(i * c + k) - max);
        sum += p[k];
      }
      for (int k = 0; k < c; k++) {
        p[k] /= sum;
      }
      loss += wi * -Math.log(p[y]);
      wsum += wi;
      for (int k = 0; k < c; k++) {
        dLogits.set(i * c + k, wi * (p[k] - (k == y ? 1.0 : 0.0)));
      }
    }
    for (int i = 0; i < b * c; i++) {
      dLogits.set(i, dLogits.get(i) / wsum);
    }
    return loss / wsum;
  }

  /** Writes model.safetensors (HF names) of the current weights into {@code file} (atomic). */
  public void saveWeights(Path file) throws IOException {
    parameters().saveSafetensors(file);
  }
}
