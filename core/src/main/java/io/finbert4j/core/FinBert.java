package io.finbert4j.core;

import io.finbert4j.core.document.DocumentOptions;
import io.finbert4j.core.document.DocumentPart;
import io.finbert4j.core.document.DocumentResult;
import io.finbert4j.core.nn.Workspaces;
import io.finbert4j.core.document.DocumentSplitter;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Financial sentiment in one call: text in, label and probabilities out.
 *
 * <pre>{@code
 * FinBert finbert = FinBert.load(Path.of("models/finbert"));
 * SentimentResult r = finbert.analyze("AAPL stock price spikes after record-breaking sales figures.");
 * r.label();            // e.g. "positive"
 * r.probabilities();    // {positive=…, negative=…, neutral=…} in id2label order
 * r.sentimentScore();   // P(positive) − P(negative)
 * }</pre>
 *
 * <p><b>Batching.</b> Lists of texts are encoded, sorted by token count and cut into batches of
 * {@link FinBertOptions#batchSize()}, so each batch is padded only to its own longest text (dynamic
 * padding by length buckets); results come back in input order.
 *
 * <p><b>Length.</b> The max length defaults to the smaller of the tokenizer's {@code model_max_length}
 * and the config's {@code max_position_embeddings}. {@link #analyze} truncates longer texts as Hugging
 * Face does ({@code longest_first}) and says so in {@link SentimentResult#truncated()};
 * {@link #analyzeDocument} never truncates: it classifies sentences and windows of long sentences and
 * aggregates them.
 *
 * <p><b>Inputs.</b> Empty and whitespace-only texts are valid ({@code [CLS] [SEP]} is classified); a
 * null text is a {@link NullPointerException} naming its position.
 *
 * <p><b>Threads.</b> Immutable; one instance may be used from many threads at once (the tokenizer is
 * immutable and {@link BertForSequenceClassification#predictLogits} is thread-safe).
 */
public final class FinBert implements AutoCloseable {

  /**
   * What the facade needs from a model: logits for a padded batch. {@code ids}, {@code mask},
   * {@code types} are rectangular {@code [B][T]}; the result is {@code [B][numLabels]}, new arrays.
   * Implementations must be safe to call from many threads at once.
   * {@link BertForSequenceClassification#predictLogits} is the production implementation.
   */
  @FunctionalInterface
  public interface LogitsModel extends AutoCloseable {
    float[][] predictLogits(int[][] ids, int[][] mask, int[][] types);

    /** Called by {@link FinBert#close()}; releases what the model holds (nothing by default). */
    @Override
    default void close() {}
  }

  private static final String POSITIVE = "positive";
  private static final String NEGATIVE = "negative";
  /** {@code [CLS]} and {@code [SEP]}: the shortest possible input. */
  private static final int MIN_MAX_LENGTH = 2;

  private final BertTokenizer tokenizer;
  private final LogitsModel model;
  private final List<String> labels; // index = class id, from id2label
  private final int positiveId; // -1 when absent
  private final int negativeId; // -1 when absent
  private final int maxPositions;
  private final FinBertOptions options;
  private final int maxLength; // resolved, special tokens included
  private final EncodeOptions encodeOptions;
  private final java.util.concurrent.atomic.AtomicBoolean closed; // shared with withOptions copies

  private FinBert(
      BertTokenizer tokenizer, List<String> labels, int maxPositions, LogitsModel model,
      FinBertOptions options, java.util.concurrent.atomic.AtomicBoolean closed) {
    this.closed = closed;
    this.tokenizer = tokenizer;
    this.labels = labels;
    this.maxPositions = maxPositions;
    this.model = model;
    this.options = options;
    int defaultMax = Math.min(tokenizer.modelMaxLength(), maxPositions);
    if (options.maxLength() > maxPositions) {
      throw new IllegalArgumentException(
          "max length " + options.maxLength() + " exceeds the model's max_position_embeddings "
              + maxPositions);
    }
    this.maxLength = options.maxLength() == 0 ? defaultMax : options.maxLength();
    if (maxLength < MIN_MAX_LENGTH) {
      throw new IllegalArgumentException("max length must be >= 2 ([CLS] [SEP]), got " + maxLength);
    }
    this.encodeOptions = new EncodeOptions(maxLength, true, EncodeOptions.Padding.NONE);
    this.positiveId = indexOfIgnoreCase(labels, POSITIVE);
    this.negativeId = indexOfIgnoreCase(labels, NEGATIVE);
  }

  /**
   * Throw-away passes at the end of {@link #load}: without them the first prediction pays for JIT compilation of
   * the kernels, BLAS thread start-up and workspace sizing (several times a warm prediction).
   */
  static final int WARM_UP_PASSES = 3;

  /** Loads a model directory with default options; see {@link #load(Path, FinBertOptions)}. */
  public static FinBert load(Path dir) throws IOException {
    return load(dir, FinBertOptions.DEFAULT);
  }

  /**
   * Loads a Hugging Face model directory: {@code config.json}, weights ({@code model.safetensors},
   * sharded safetensors or {@code pytorch_model.bin}, via {@link io.finbert4j.weights.BertCheckpoint}),
   * and the tokenizer ({@code vocab.txt} + {@code tokenizer_config.json}, or {@code tokenizer.json}).
   * The model runs at {@link FinBertOptions#precision()} (int8 falls back to float32 where unavailable:
   * {@link BertForSequenceClassification#precisionNotice()} says why). Loading ends with a few short warm-up
   * passes ({@link BertForSequenceClassification#warmUp}) so that the first prediction is not a cold one.
   *
   * @throws NoSuchFileException when {@code dir} is not a directory
   * @throws IOException for unreadable files; IllegalArgumentException for invalid ones (named)
   */
  public static FinBert load(Path dir, FinBertOptions options) throws IOException {
    Objects.requireNonNull(dir, "model directory must not be null");
    Objects.requireNonNull(options, "options must not be null");
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "model directory does not exist");
    }
    BertTokenizer tokenizer = BertTokenizer.fromDirectory(dir);
    BertForSequenceClassification loaded = BertForSequenceClassification.load(dir);
    try {
      BertForSequenceClassification model = loaded.withPrecision(options.precision()).warmUp(WARM_UP_PASSES);
      return create(tokenizer, model.config(), new LoadedModel(model), options);
    } catch (RuntimeException e) {
      loaded.close(); // a failed load must not leave its weights allocated
      throw e;
    }
  }

  /**
   * A facade over an already loaded tokenizer and model ({@code config} gives the labels and
   * {@code max_position_embeddings}).
   *
   * @throws IllegalArgumentException when the config has no labels or the tokenizer's vocabulary does
   *     not fit the model's embedding table
   */
  public static FinBert create(
      BertTokenizer tokenizer, BertConfig config, LogitsModel model, FinBertOptions options) {
    Objects.requireNonNull(tokenizer, "tokenizer must not be null");
    Objects.requireNonNull(config, "config must not be null");
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(options, "options must not be null");
    if (config.numLabels() < 1) {
      throw new IllegalArgumentException(
          "config.json defines no labels (id2label / num_labels): not a sequence classifier");
    }
    if (tokenizer.vocabSize() > config.vocabSize()) {
      throw new IllegalArgumentException(
          "tokenizer has " + tokenizer.vocabSize() + " tokens but config.json vocab_size is "
              + config.vocabSize() + ": tokenizer and model do not belong together");
    }
    List<String> labels = new ArrayList<>(config.labels());
    for (int i = labels.size(); i < config.numLabels(); i++) {
      labels.add("LABEL_" + i); // Hugging Face's names when id2label is absent
    }
    return new FinBert(
        tokenizer, List.copyOf(labels), config.maxPositionEmbeddings(), model, options,
        new java.util.concurrent.atomic.AtomicBoolean());
  }

  /** A loaded {@link BertForSequenceClassification} (kept so that its precision can be reported). */
  private record LoadedModel(BertForSequenceClassification model) implements LogitsModel {
    @Override
    public float[][] predictLogits(int[][] ids, int[][] mask, int[][] types) {
      return model.predictLogits(ids, mask, types);
    }

    @Override
    public void close() {
      model.close();
    }
  }

  /**
   * Releases the model's off-heap memory now (for a model from {@link #load}: all weights; for {@link #create}: calls
   * {@link LogitsModel#close()}), after waiting for predictions in flight on other threads. Closing twice is harmless;
   * afterwards every analyze call fails with an IllegalStateException. Instances made by {@link #withOptions} share
   * the model: closing one closes all of them.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      model.close();
      Workspaces.releaseDeadThreads(); // the per-thread pass memory of threads that have ended since the last pass
    }
  }

  /** Whether {@link #close()} was called on this instance or one sharing its model. */
  public boolean isClosed() {
    return closed.get();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("FinBert has been closed and its model released; load it again");
    }
  }

  /**
   * The precision the loaded model's encoder runs at: {@link FinBertOptions#precision()} when it can run here,
   * FLOAT32 when int8 was requested but is unavailable (and for models passed to {@link #create}).
   */
  public io.finbert4j.core.quant.Precision effectivePrecision() {
    return model instanceof LoadedModel lm ? lm.model().effectivePrecision()
        : io.finbert4j.core.quant.Precision.FLOAT32;
  }

  /**
   * One line saying that int8 was requested but float32 runs, and why; null when the requested precision runs.
   * Set at load: {@link #withOptions} keeps the loaded model and its precision.
   */
  public String precisionNotice() {
    return model instanceof LoadedModel lm ? lm.model().precisionNotice() : null;
  }

  /** The same model and tokenizer with other options (cheap; nothing is reloaded). */
  public FinBert withOptions(FinBertOptions newOptions) {
    checkOpen();
    return new FinBert(tokenizer, labels, maxPositions, model, Objects.requireNonNull(newOptions), closed);
  }

  /** Label names, index = class id (from {@code id2label}). */
  public List<String> labels() {
    return labels;
  }

  /** The max length in effect, special tokens included. */
  public int maxLength() {
    return maxLength;
  }

  /** The options this instance was made with. */
  public FinBertOptions options() {
    return options;
  }

  /** The tokenizer. */
  public BertTokenizer tokenizer() {
    return tokenizer;
  }

  /** Whether the labels include positive and negative, so that sentiment scores are defined. */
  public boolean hasSentimentScore() {
    return positiveId >= 0 && negativeId >= 0;
  }

  // ------------------------------------------------------------------------------------------ texts

  /** Classifies one text (truncated to the max length if longer; see {@link SentimentResult#truncated()}). */
  public SentimentResult analyze(String text) {
    return analyze(text, null);
  }

  /** Classifies a text pair ({@code [CLS] text [SEP] pair [SEP]}); {@code pair} may be null. */
  public SentimentResult analyze(String text, String pair) {
    Objects.requireNonNull(text, "text must not be null");
    return classify(List.of(encode(text, pair))).get(0);
  }

  /** Classifies texts in length-sorted batches; results in input order. */
  public List<SentimentResult> analyze(List<String> texts) {
    Objects.requireNonNull(texts, "texts must not be null");
    List<Sequence> seqs = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      if (t == null) {
        throw new NullPointerException("texts[" + i + "] is null");
      }
      seqs.add(encode(t, null));
    }
    return classify(seqs);
  }

  /**
   * Classifies texts and text pairs: each element is {@code {text}} or {@code {text, pair}} (pair may be
   * null). Results in input order.
   */
  public List<SentimentResult> analyzePairs(List<String[]> inputs) {
    Objects.requireNonNull(inputs, "inputs must not be null");
    List<Sequence> seqs = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      String[] in = inputs.get(i);
      if (in == null || in.length < 1 || in.length > 2 || in[0] == null) {
        throw new IllegalArgumentException(
            "inputs[" + i + "] must be {text} or {text, pair} with a non-null text, got "
                + (in == null ? "null" : Arrays.toString(in)));
      }
      seqs.add(encode(in[0], in.length == 2 ? in[1] : null));
    }
    return classify(seqs);
  }

  // ------------------------------------------------------------------------------------------ documents

  /** {@link #analyzeDocument(String, DocumentOptions)} with token-weighted mean and the default stride. */
  public DocumentResult analyzeDocument(String document) {
    return analyzeDocument(document, DocumentOptions.DEFAULT);
  }

  /**
   * Classifies a text of any length without truncating it: splits it into sentences
   * ({@link DocumentSplitter}), a sentence longer than the max length into overlapping token windows,
   * classifies every part (batched like {@link #analyze(List)}) and aggregates the parts' probabilities
   * ({@link DocumentOptions.Aggregation}). Parts carry their offsets in {@code document}.
   */
  public DocumentResult analyzeDocument(String document, DocumentOptions opts) {
    Objects.requireNonNull(document, "document must not be null");
    Objects.requireNonNull(opts, "document options must not be null");
    DocumentSplitter splitter = new DocumentSplitter(tokenizer, maxLength, opts.stride());
    List<DocumentSplitter.Segment> segments = splitter.split(document);
    List<Sequence> seqs = new ArrayList<>(segments.size());
    for (DocumentSplitter.Segment s : segments) {
      seqs.add(new Sequence(s.inputIds(), s.tokenTypeIds(), 0));
    }
    List<SentimentResult> results = classify(seqs);
    List<DocumentPart> parts = new ArrayList<>(segments.size());
    boolean windowed = false;
    double[] sum = new double[labels.size()];
    double totalWeight = 0;
    for (int i = 0; i < segments.size(); i++) {
      DocumentSplitter.Segment s = segments.get(i);
      SentimentResult r = results.get(i);
      parts.add(new DocumentPart(s.start(), s.end(), document.substring(s.start(), s.end()),
          s.sentenceIndex(), s.windowIndex(), s.windowCount(), r));
      windowed |= s.windowCount() > 1;
      double w = opts.aggregation() == DocumentOptions.Aggregation.TOKEN_WEIGHTED_MEAN ? r.tokens() : 1;
      int j = 0;
      for (double p : r.probabilities().values()) {
        sum[j++] += w * p;
      }
      totalWeight += w;
    }
    for (int j = 0; j < sum.length; j++) {
      sum[j] /= totalWeight; // segments is never empty: a blank document is one [CLS] [SEP] part
    }
    int best = argmax(sum);
    return new DocumentResult(labels.get(best), byName(sum), score(sum), opts.aggregation(), parts,
        windowed);
  }

  // ------------------------------------------------------------------------------------------ internals

  /** Model input of one text: ids and types without padding, and how many pieces truncation cut. */
  private record Sequence(int[] ids, int[] types, int numTruncated) {}

  private Sequence encode(String text, String pair) {
    Encoding e = tokenizer.encode(text, pair, encodeOptions);
    return new Sequence(e.inputIds(), e.tokenTypeIds(), e.numTruncated());
  }

  /**
   * Runs the model over {@code seqs} in batches of similar length: indices are sorted by length (stable,
   * so equal lengths keep input order), cut into batches of {@code batchSize}, each padded to its own
   * longest sequence with {@code [PAD]} / mask 0 / type 0. Results are placed back at input positions.
   */
  private List<SentimentResult> classify(List<Sequence> seqs) {
    checkOpen();
    int n = seqs.size();
    SentimentResult[] out = new SentimentResult[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> seqs.get(i).ids().length));
    int batchSize = options.batchSize();
    int pad = tokenizer.padId();
    for (int from = 0; from < n; from += batchSize) {
      int b = Math.min(batchSize, n - from);
      int t = seqs.get(order[from + b - 1]).ids().length; // longest of this bucket (sorted)
      int[][] ids = new int[b][t]; // [B][T]
      int[][] mask = new int[b][t]; // [B][T] 1 on real tokens
      int[][] types = new int[b][t]; // [B][T]
      for (int k = 0; k < b; k++) {
        Sequence s = seqs.get(order[from + k]);
        int len = s.ids().length;
        System.arraycopy(s.ids(), 0, ids[k], 0, len);
        Arrays.fill(ids[k], len, t, pad);
        Arrays.fill(mask[k], 0, len, 1);
        System.arraycopy(s.types(), 0, types[k], 0, len);
      }
      float[][] logits = model.predictLogits(ids, mask, types); // [B][numLabels]
      if (logits == null || logits.length != b) {
        throw new IllegalStateException("model returned " + (logits == null ? "null" : logits.length
            + " rows") + " of logits for a batch of " + b);
      }
      for (int k = 0; k < b; k++) {
        if (logits[k].length != labels.size()) {
          throw new IllegalStateException("model returned " + logits[k].length
              + " logits per text but config.json has " + labels.size() + " labels " + labels);
        }
        Sequence s = seqs.get(order[from + k]);
        out[order[from + k]] = toResult(logits[k], s.ids().length, s.numTruncated());
      }
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  private SentimentResult toResult(float[] logits, int tokens, int numTruncated) {
    double[] p = softmax(logits);
    int best = argmax(p);
    return new SentimentResult(labels.get(best), best, byName(p), logits, score(p), numTruncated > 0,
        tokens, numTruncated);
  }

  /** Softmax in double (max subtracted) so probabilities are as exact as the float logits allow. Returns new. */
  public static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** Index of the largest value (the first on ties). */
  public static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private Map<String, Double> byName(double[] p) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < p.length; i++) {
      m.put(labels.get(i), p[i]);
    }
    return m;
  }

  private double score(double[] p) {
    return hasSentimentScore() ? p[positiveId] - p[negativeId] : Double.NaN;
  }

  private static int indexOfIgnoreCase(List<String> labels, String name) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).toLowerCase(Locale.ROOT).equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "FinBert{labels=" + labels + ", maxLength=" + maxLength + ", batchSize="
        + options.batchSize() + "}";
  }
}
