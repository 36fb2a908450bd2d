package io.finbert4j.weights;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The hyper-parameters of a BERT model as Hugging Face's {@code BertConfig} stores them in {@code config.json}.
 * Missing keys take HF's defaults (bert-base: vocab 30522, hidden 768, 12 layers, 12 heads, intermediate 3072,
 * {@code gelu}, dropout 0.1/0.1, 512 positions, 2 token types, init range 0.02, eps 1e-12, pad 0, absolute
 * positions). Only what {@code core} implements is accepted: {@code hidden_act = "gelu"} (exact erf GELU) and
 * {@code position_embedding_type = "absolute"}; anything else is rejected by name.
 *
 * <p>Labels come from {@code id2label} (keys {@code "0".."n-1"}; {@link #labels()} index = class id), checked against
 * {@code label2id}; {@code num_labels} alone yields {@code LABEL_0..}; with neither the model has no head and
 * {@link #labels()} is empty. Keys this class does not know (e.g. {@code architectures}, {@code model_type}) are kept
 * and written back unchanged, in their original order, by {@link #toJson()} / {@link #save(Path)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BertConfig {
  /** The only activation core implements: {@code 0.5·x·(1 + erf(x/√2))}. */
  public static final String GELU = "gelu";
  /** The only position embedding core implements. */
  public static final String ABSOLUTE = "absolute";

  static final String K_VOCAB = "vocab_size";
  static final String K_HIDDEN = "hidden_size";
  static final String K_LAYERS = "num_hidden_layers";
  static final String K_HEADS = "num_attention_heads";
  static final String K_INTERMEDIATE = "intermediate_size";
  static final String K_ACT = "hidden_act";
  static final String K_HIDDEN_DROPOUT = "hidden_dropout_prob";
  static final String K_ATTN_DROPOUT = "attention_probs_dropout_prob";
  static final String K_MAX_POS = "max_position_embeddings";
  static final String K_TYPE_VOCAB = "type_vocab_size";
  static final String K_INIT_RANGE = "initializer_range";
  static final String K_EPS = "layer_norm_eps";
  static final String K_PAD = "pad_token_id";
  static final String K_POS_TYPE = "position_embedding_type";
  static final String K_ID2LABEL = "id2label";
  static final String K_LABEL2ID = "label2id";
  static final String K_NUM_LABELS = "num_labels";

  private static final ObjectMapper JSON =
      new ObjectMapper(JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  /** Two-space indent and {@code "key": value} as Python's {@code json.dumps(indent=2)} writes config.json. */
  private static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private final int vocabSize;
  private final int hiddenSize;
  private final int numHiddenLayers;
  private final int numAttentionHeads;
  private final int intermediateSize;
  private final String hiddenAct;
  private final double hiddenDropoutProb;
  private final double attentionProbsDropoutProb;
  private final int maxPositionEmbeddings;
  private final int typeVocabSize;
  private final double initializerRange;
  private final double layerNormEps;
  private final int padTokenId;
  private final String positionEmbeddingType;
  private final List<String> labels;
  private final Map<String, Integer> label2id;
  /** Every key of the source JSON in its order (known keys are overwritten on save); never mutated. */
  private final ObjectNode original;

  private BertConfig(Builder b, ObjectNode original) {
    this.vocabSize = b.vocabSize;
    this.hiddenSize = b.hiddenSize;
    this.numHiddenLayers = b.numHiddenLayers;
    this.numAttentionHeads = b.numAttentionHeads;
    this.intermediateSize = b.intermediateSize;
    this.hiddenAct = b.hiddenAct;
    this.hiddenDropoutProb = b.hiddenDropoutProb;
    this.attentionProbsDropoutProb = b.attentionProbsDropoutProb;
    this.maxPositionEmbeddings = b.maxPositionEmbeddings;
    this.typeVocabSize = b.typeVocabSize;
    this.initializerRange = b.initializerRange;
    this.layerNormEps = b.layerNormEps;
    this.padTokenId = b.padTokenId;
    this.positionEmbeddingType = b.positionEmbeddingType;
    this.labels = List.copyOf(b.labels);
    LinkedHashMap<String, Integer> l2i = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      l2i.put(labels.get(i), i);
    }
    this.label2id = Collections.unmodifiableMap(l2i);
    this.original = original;
    validate();
  }

  private void validate() {
    positive(K_VOCAB, vocabSize);
    positive(K_HIDDEN, hiddenSize);
    if (numHiddenLayers < 0) {
      throw invalid(K_LAYERS + " must be >= 0, got " + numHiddenLayers);
    }
    positive(K_HEADS, numAttentionHeads);
    if (hiddenSize % numAttentionHeads != 0) {
      throw invalid(
          K_HIDDEN + " " + hiddenSize + " is not divisible by " + K_HEADS + " " + numAttentionHeads);
    }
    positive(K_INTERMEDIATE, intermediateSize);
    positive(K_MAX_POS, maxPositionEmbeddings);
    positive(K_TYPE_VOCAB, typeVocabSize);
    if (!GELU.equals(hiddenAct)) {
      throw invalid(
          K_ACT + " \"" + hiddenAct + "\" is not supported: only \"gelu\" (the exact erf GELU) is implemented");
    }
    if (!ABSOLUTE.equals(positionEmbeddingType)) {
      throw invalid(
          K_POS_TYPE + " \"" + positionEmbeddingType + "\" is not supported: only \"absolute\" is implemented");
    }
    probability(K_HIDDEN_DROPOUT, hiddenDropoutProb);
    probability(K_ATTN_DROPOUT, attentionProbsDropoutProb);
    if (!(initializerRange >= 0) || Double.isInfinite(initializerRange)) {
      throw invalid(K_INIT_RANGE + " must be a finite number >= 0, got " + initializerRange);
    }
    if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
      throw invalid(K_EPS + " must be a finite number > 0, got " + layerNormEps);
    }
    if (padTokenId < 0 || padTokenId >= vocabSize) {
      throw invalid(K_PAD + " " + padTokenId + " is outside the vocabulary [0, " + vocabSize + ")");
    }
    Set<String> seen = new HashSet<>();
    for (String l : labels) {
      if (l == null || !seen.add(l)) {
        throw invalid("label \"" + l + "\" appears more than once in " + K_ID2LABEL);
      }
    }
  }

  private static void positive(String key, int v) {
    if (v <= 0) {
      throw invalid(key + " must be > 0, got " + v);
    }
  }

  private static void probability(String key, double p) {
    if (!(p >= 0 && p < 1)) {
      throw invalid(key + " must be in [0, 1), got " + p);
    }
  }

  private static IllegalArgumentException invalid(String msg) {
    return new IllegalArgumentException("invalid BERT config: " + msg);
  }

  // ------------------------------------------------------------------------------------------- loading

  /**
   * Reads and validates {@code config.json}.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file and the offending key
   */
  public static BertConfig load(Path configJson) throws IOException {
    String text = Files.readString(configJson, StandardCharsets.UTF_8);
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(configJson + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses and validates a config from JSON text.
   *
   * @throws IllegalArgumentException naming the offending key and rule
   */
  public static BertConfig fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw invalid("not valid JSON: " + Safetensors.oneLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw invalid("config must be a JSON object");
    }
    ObjectNode o = (ObjectNode) root;
    Builder b = new Builder();
    b.vocabSize = intKey(o, K_VOCAB, b.vocabSize);
    b.hiddenSize = intKey(o, K_HIDDEN, b.hiddenSize);
    b.numHiddenLayers = intKey(o, K_LAYERS, b.numHiddenLayers);
    b.numAttentionHeads = intKey(o, K_HEADS, b.numAttentionHeads);
    b.intermediateSize = intKey(o, K_INTERMEDIATE, b.intermediateSize);
    b.hiddenAct = stringKey(o, K_ACT, b.hiddenAct);
    b.hiddenDropoutProb = doubleKey(o, K_HIDDEN_DROPOUT, b.hiddenDropoutProb);
    b.attentionProbsDropoutProb = doubleKey(o, K_ATTN_DROPOUT, b.attentionProbsDropoutProb);
    b.maxPositionEmbeddings = intKey(o, K_MAX_POS, b.maxPositionEmbeddings);
    b.typeVocabSize = intKey(o, K_TYPE_VOCAB, b.typeVocabSize);
    b.initializerRange = doubleKey(o, K_INIT_RANGE, b.initializerRange);
    b.layerNormEps = doubleKey(o, K_EPS, b.layerNormEps);
    b.padTokenId = intKey(o, K_PAD, b.padTokenId);
    b.positionEmbeddingType = stringKey(o, K_POS_TYPE, b.positionEmbeddingType);
    b.labels = parseLabels(o);
    return new BertConfig(b, o.deepCopy());
  }

  private static List<String> parseLabels(ObjectNode o) {
    JsonNode id2label = o.get(K_ID2LABEL);
    JsonNode label2id = o.get(K_LABEL2ID);
    JsonNode numLabels = o.get(K_NUM_LABELS);
    List<String> labels = new ArrayList<>();
    if (id2label != null && !id2label.isNull()) {
      if (!id2label.isObject()) {
        throw invalid(K_ID2LABEL + " must be an object {\"0\": label, ...}");
      }
      int n = id2label.size();
      String[] byId = new String[n];
      Iterator<Map.Entry<String, JsonNode>> it = id2label.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> f = it.next();
        int id;
        try {
          id = Integer.parseInt(f.getKey());
        } catch (NumberFormatException e) {
          throw invalid(K_ID2LABEL + " key \"" + f.getKey() + "\" is not an integer class id");
        }
        if (id < 0 || id >= n) {
          throw invalid(K_ID2LABEL + " ids must be 0.." + (n - 1) + ", got \"" + f.getKey() + "\"");
        }
        if (!f.getValue().isTextual()) {
          throw invalid(K_ID2LABEL + " value for id " + id + " is not a string");
        }
        if (byId[id] != null) {
          throw invalid(K_ID2LABEL + " lists id " + id + " twice");
        }
        byId[id] = f.getValue().textValue();
      }
      labels.addAll(List.of(byId));
    } else if (label2id != null && !label2id.isNull() && label2id.size() > 0) {
      // only label2id: invert it
      if (!label2id.isObject()) {
        throw invalid(K_LABEL2ID + " must be an object {label: id, ...}");
      }
      String[] byId = new String[label2id.size()];
      label2id.fields().forEachRemaining(f -> {
        int id = labelId(f.getKey(), f.getValue(), byId.length);
        if (byId[id] != null) {
          throw invalid(K_LABEL2ID + " maps both \"" + byId[id] + "\" and \"" + f.getKey() + "\" to id " + id);
        }
        byId[id] = f.getKey();
      });
      labels.addAll(List.of(byId));
    } else if (numLabels != null && !numLabels.isNull()) {
      int n = intKey(o, K_NUM_LABELS, 0);
      if (n < 0) {
        throw invalid(K_NUM_LABELS + " must be >= 0, got " + n);
      }
      for (int i = 0; i < n; i++) {
        labels.add("LABEL_" + i);
      }
    }
    if (label2id != null && !label2id.isNull() && id2label != null && !id2label.isNull()) {
      if (!label2id.isObject()) {
        throw invalid(K_LABEL2ID + " must be an object {label: id, ...}");
      }
      if (label2id.size() != labels.size()) {
        throw invalid(
            K_LABEL2ID + " has " + label2id.size() + " entries but " + K_ID2LABEL + " has " + labels.size());
      }
      label2id.fields().forEachRemaining(f -> {
        int id = labelId(f.getKey(), f.getValue(), labels.size());
        if (!labels.get(id).equals(f.getKey())) {
          throw invalid(
              K_LABEL2ID + " maps \"" + f.getKey() + "\" to " + id + " but " + K_ID2LABEL + " names id " + id
                  + " \"" + labels.get(id) + "\"");
        }
      });
    }
    if (numLabels != null && !numLabels.isNull() && !labels.isEmpty()) {
      int n = intKey(o, K_NUM_LABELS, labels.size());
      if (n != labels.size()) {
        throw invalid(K_NUM_LABELS + " is " + n + " but " + K_ID2LABEL + " has " + labels.size() + " labels");
      }
    }
    return labels;
  }

  private static int labelId(String label, JsonNode v, int n) {
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw invalid(K_LABEL2ID + " value for \"" + label + "\" is not an integer");
    }
    int id = v.intValue();
    if (id < 0 || id >= n) {
      throw invalid(K_LABEL2ID + " id " + id + " for \"" + label + "\" is outside 0.." + (n - 1));
    }
    return id;
  }

  private static int intKey(ObjectNode o, String key, int dflt) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return v.intValue();
    }
    // JSON writers sometimes emit 768.0 for an integer
    if (v.isFloatingPointNumber() && v.doubleValue() == Math.rint(v.doubleValue())
        && Math.abs(v.doubleValue()) <= Integer.MAX_VALUE) {
      return (int) v.doubleValue();
    }
    throw invalid(key + " must be an integer, got " + v);
  }

  private static double doubleKey(ObjectNode o, String key, double dflt) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isNumber()) {
      throw invalid(key + " must be a number, got " + v);
    }
    return v.doubleValue();
  }

  private static String stringKey(ObjectNode o, String key, String dflt) {
    JsonNode v = o.get(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isTextual()) {
      throw invalid(key + " must be a string, got " + v);
    }
    return v.textValue();
  }

  // ------------------------------------------------------------------------------------------- saving

  /** This config as pretty-printed JSON: the original keys in order, known keys updated, labels as id2label/label2id. */
  public String toJson() {
    ObjectNode o = original.deepCopy();
    o.put(K_VOCAB, vocabSize);
    o.put(K_HIDDEN, hiddenSize);
    o.put(K_LAYERS, numHiddenLayers);
    o.put(K_HEADS, numAttentionHeads);
    o.put(K_INTERMEDIATE, intermediateSize);
    o.put(K_ACT, hiddenAct);
    o.put(K_HIDDEN_DROPOUT, hiddenDropoutProb);
    o.put(K_ATTN_DROPOUT, attentionProbsDropoutProb);
    o.put(K_MAX_POS, maxPositionEmbeddings);
    o.put(K_TYPE_VOCAB, typeVocabSize);
    o.put(K_INIT_RANGE, initializerRange);
    o.put(K_EPS, layerNormEps);
    o.put(K_PAD, padTokenId);
    o.put(K_POS_TYPE, positionEmbeddingType);
    if (!o.has("model_type")) {
      o.put("model_type", "bert");
    }
    if (labels.isEmpty()) {
      o.remove(K_ID2LABEL);
      o.remove(K_LABEL2ID);
      o.remove(K_NUM_LABELS);
    } else {
      ObjectNode i2l = JSON.createObjectNode();
      ObjectNode l2i = JSON.createObjectNode();
      for (int i = 0; i < labels.size(); i++) {
        i2l.put(Integer.toString(i), labels.get(i));
        l2i.put(labels.get(i), i);
      }
      o.set(K_ID2LABEL, i2l);
      o.set(K_LABEL2ID, l2i);
      if (o.has(K_NUM_LABELS)) {
        o.put(K_NUM_LABELS, labels.size());
      }
    }
    try {
      return PRETTY.writeValueAsString(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@link #toJson()} to {@code file} atomically (temporary file + rename). */
  public void save(Path file) throws IOException {
    byte[] bytes = (toJson() + "\n").getBytes(StandardCharsets.UTF_8);
    Safetensors.writeAtomically(file, List.of(ByteBuffer.wrap(bytes)));
  }

  // ------------------------------------------------------------------------------------------- accessors

  public int vocabSize() {
    return vocabSize;
  }

  public int hiddenSize() {
    return hiddenSize;
  }

  public int numHiddenLayers() {
    return numHiddenLayers;
  }

  public int numAttentionHeads() {
    return numAttentionHeads;
  }

  public int intermediateSize() {
    return intermediateSize;
  }

  public String hiddenAct() {
    return hiddenAct;
  }

  public double hiddenDropoutProb() {
    return hiddenDropoutProb;
  }

  public double attentionProbsDropoutProb() {
    return attentionProbsDropoutProb;
  }

  public int maxPositionEmbeddings() {
    return maxPositionEmbeddings;
  }

  public int typeVocabSize() {
    return typeVocabSize;
  }

  public double initializerRange() {
    return initializerRange;
  }

  public double layerNormEps() {
    return layerNormEps;
  }

  public int padTokenId() {
    return padTokenId;
  }

  public String positionEmbeddingType() {
    return positionEmbeddingType;
  }

  /** hidden_size / num_attention_heads. */
  public int headDim() {
    return hiddenSize / numAttentionHeads;
  }

  /** Class labels, index = class id (from id2label); empty for an encoder without classification head. */
  public List<String> labels() {
    return labels;
  }

  /** Number of labels (0 without a classification head). */
  public int numLabels() {
    return labels.size();
  }

  /** label → class id, in id order. */
  public Map<String, Integer> label2id() {
    return label2id;
  }

  /** A copy with other labels (index = class id); an empty list removes the head's labels. */
  public BertConfig withLabels(List<String> newLabels) {
    Builder b = toBuilder();
    b.labels = new ArrayList<>(newLabels);
    return new BertConfig(b, original);
  }

  /** A builder starting from this config's values (unknown JSON keys are kept). */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.vocabSize = vocabSize;
    b.hiddenSize = hiddenSize;
    b.numHiddenLayers = numHiddenLayers;
    b.numAttentionHeads = numAttentionHeads;
    b.intermediateSize = intermediateSize;
    b.hiddenAct = hiddenAct;
    b.hiddenDropoutProb = hiddenDropoutProb;
    b.attentionProbsDropoutProb = attentionProbsDropoutProb;
    b.maxPositionEmbeddings = maxPositionEmbeddings;
    b.typeVocabSize = typeVocabSize;
    b.initializerRange = initializerRange;
    b.layerNormEps = layerNormEps;
    b.padTokenId = padTokenId;
    b.positionEmbeddingType = positionEmbeddingType;
    b.labels = new ArrayList<>(labels);
    b.original = original;
    return b;
  }

  /** A builder with HF's bert-base defaults and no labels. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BertConfig c && toJson().equals(c.toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "BertConfig[hidden=" + hiddenSize + ", layers=" + numHiddenLayers + ", heads=" + numAttentionHeads
        + ", intermediate=" + intermediateSize + ", vocab=" + vocabSize + ", labels=" + labels + "]";
  }

  /** Mutable builder; {@link #build()} validates. Defaults are HF's bert-base values. */
  public static final class Builder {
    private int vocabSize = 30522;
    private int hiddenSize = 768;
    private int numHiddenLayers = 12;
    private int numAttentionHeads = 12;
    private int intermediateSize = 3072;
    private String hiddenAct = GELU;
    private double hiddenDropoutProb = 0.1;
    private double attentionProbsDropoutProb = 0.1;
    private int maxPositionEmbeddings = 512;
    private int typeVocabSize = 2;
    private double initializerRange = 0.02;
    private double layerNormEps = 1e-12;
    private int padTokenId = 0;
    private String positionEmbeddingType = ABSOLUTE;
    private List<String> labels = new ArrayList<>();
    private ObjectNode original;

    private Builder() {}

    public Builder vocabSize(int v) {
      this.vocabSize = v;
      return this;
    }

    public Builder hiddenSize(int v) {
      this.hiddenSize = v;
      return this;
    }

    public Builder numHiddenLayers(int v) {
      this.numHiddenLayers = v;
      return this;
    }

    public Builder numAttentionHeads(int v) {
      this.numAttentionHeads = v;
      return this;
    }

    public Builder intermediateSize(int v) {
      this.intermediateSize = v;
      return this;
    }

    public Builder hiddenAct(String v) {
      this.hiddenAct = Objects.requireNonNull(v);
      return this;
    }

    public Builder hiddenDropoutProb(double v) {
      this.hiddenDropoutProb = v;
      return this;
    }

    public Builder attentionProbsDropoutProb(double v) {
      this.attentionProbsDropoutProb = v;
      return this;
    }

    public Builder maxPositionEmbeddings(int v) {
      this.maxPositionEmbeddings = v;
      return this;
    }

    public Builder typeVocabSize(int v) {
      this.typeVocabSize = v;
      return this;
    }

    public Builder initializerRange(double v) {
      this.initializerRange = v;
      return this;
    }

    public Builder layerNormEps(double v) {
      this.layerNormEps = v;
      return this;
    }

    public Builder padTokenId(int v) {
      this.padTokenId = v;
      return this;
    }

    public Builder positionEmbeddingType(String v) {
      this.positionEmbeddingType = Objects.requireNonNull(v);
      return this;
    }

    /** Class labels, index = class id. */
    public Builder labels(List<String> v) {
      this.labels = new ArrayList<>(v);
      return this;
    }

    /** Validates and builds. @throws IllegalArgumentException naming the offending key */
    public BertConfig build() {
      ObjectNode o = original != null ? original : JSON.createObjectNode();
      if (original == null) {
        o.putArray("architectures").add(labels.isEmpty() ? "BertModel" : "BertForSequenceClassification");
        o.put("model_type", "bert");
      }
      return new BertConfig(this, o);
    }
  }
}
