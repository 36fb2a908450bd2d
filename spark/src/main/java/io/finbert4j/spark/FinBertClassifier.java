package io.finbert4j.spark;

import io.finbert4j.core.quant.Precision;
import io.finbert4j.weights.BertConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * FinBERT as a {@code spark.ml} {@link Transformer}: appends the sentiment of a text column.
 *
 * <pre>{@code
 * Dataset<Row> scored = new FinBertClassifier()
 *     .setModel("/mnt/models/finbert")      // a directory every executor sees, a hdfs:// / s3a:// URI, or a hub id
 *     .setInputCol("text").setOutputCol("sentiment")
 *     .setBatchSize(32)
 *     .transform(news);
 * // sentiment: struct<label: string, positive: double, negative: double, neutral: double,
 * //                   sentiment_score: double, truncated: boolean>
 * }</pre>
 *
 * <p>{@link #transform} is lazy and runs {@code mapPartitions}: rows keep their order and every other column; inside a
 * partition texts are classified in length-sorted batches ({@link PartitionScorer}). A null text gives a null result
 * (the struct, or every flat column); an empty or blank text is classified like {@code finbert predict} does
 * ({@code [CLS] [SEP]}). With {@link #setFlatten} the fields become columns {@code <outputCol>_label},
 * {@code <outputCol>_<label name>}, {@code <outputCol>_sentiment_score} and {@code <outputCol>_truncated}.
 *
 * <p>Each executor JVM loads the model once ({@link ExecutorModels}); only the parameters travel with the tasks. The
 * driver reads the model's {@code config.json} (never the weights) for the label names of the schema, or takes them
 * from {@link #setLabels}. Model threads follow {@code spark.task.cpus} unless {@link #setNumThreads} says otherwise
 * ({@link ThreadSettings}). Saveable in a {@code Pipeline} ({@link DefaultParamsWritable}); the model itself is
 * referenced by its location, not copied into the saved pipeline.
 */
public final class FinBertClassifier extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** Rows whose texts are sorted by length together, unless {@link #setSortWindow} says otherwise. */
  public static final int DEFAULT_SORT_WINDOW = 1024;

  private final String uid;

  private final Param<String> model;
  private final Param<String> revision;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final IntParam batchSize;
  private final IntParam maxLength;
  private final BooleanParam flatten;
  private final IntParam numThreads;
  private final Param<String> precision;
  private final StringArrayParam labels;
  private final IntParam sortWindow;

  public FinBertClassifier() {
    this(Identifiable.randomUID("finbert"));
  }

  /** With a given uid (used when a saved pipeline is read back). */
  public FinBertClassifier(String uid) {
    this.uid = uid; // before the params: each records its parent's uid
    model = new Param<>(this, "model", "model directory (on every executor, or under SparkFiles), Hadoop URI (hdfs://, s3a://) or Hugging Face hub id");
    revision = new Param<>(this, "revision", "hub revision for hub ids (empty = main)");
    inputCol = new Param<>(this, "inputCol", "text column (string)");
    outputCol = new Param<>(this, "outputCol", "result column (or prefix when flattened)");
    batchSize = new IntParam(this, "batchSize", "texts per forward pass (>= 1)", ParamValidators.gtEq(1));
    maxLength = new IntParam(this, "maxLength", "max tokens per text incl. [CLS]/[SEP]; 0 = the model's default", ParamValidators.gtEq(0));
    flatten = new BooleanParam(this, "flatten", "append flat columns <outputCol>_<field> instead of one struct column");
    numThreads = new IntParam(this, "numThreads", "model threads per task; 0 = spark.task.cpus", ParamValidators.gtEq(0));
    precision = new Param<>(this, "precision", "float32 or int8");
    labels = new StringArrayParam(this, "labels", "label names in id order (id2label); empty = read from the model's config.json on the driver");
    sortWindow = new IntParam(this, "sortWindow", "rows of a partition sorted by length together before batching (>= 1)", ParamValidators.gtEq(1));
    setDefault(revision, "");
    setDefault(inputCol, "text");
    setDefault(outputCol, "sentiment");
    setDefault(batchSize, io.finbert4j.core.FinBertOptions.DEFAULT_BATCH_SIZE);
    setDefault(maxLength, 0);
    setDefault(flatten, false);
    setDefault(numThreads, 0);
    setDefault(precision, "float32");
    setDefault(labels, new String[0]);
    setDefault(sortWindow, DEFAULT_SORT_WINDOW);
  }

  @Override
  public String uid() {
    return uid;
  }

  // Params are found by reflection on public no-argument methods returning a Param (as Scala vals compile).

  public Param<String> model() {
    return model;
  }

  public Param<String> revision() {
    return revision;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam maxLength() {
    return maxLength;
  }

  public BooleanParam flatten() {
    return flatten;
  }

  public IntParam numThreads() {
    return numThreads;
  }

  public Param<String> precision() {
    return precision;
  }

  public StringArrayParam labels() {
    return labels;
  }

  public IntParam sortWindow() {
    return sortWindow;
  }

  // ------------------------------------------------------------------------------------------ setters / getters

  public FinBertClassifier setModel(String v) {
    return put(model, v);
  }

  public FinBertClassifier setRevision(String v) {
    return put(revision, v == null ? "" : v);
  }

  public FinBertClassifier setInputCol(String v) {
    return put(inputCol, v);
  }

  public FinBertClassifier setOutputCol(String v) {
    return put(outputCol, v);
  }

  public FinBertClassifier setBatchSize(int v) {
    return put(batchSize, v);
  }

  public FinBertClassifier setMaxLength(int v) {
    return put(maxLength, v);
  }

  public FinBertClassifier setFlatten(boolean v) {
    return put(flatten, v);
  }

  public FinBertClassifier setNumThreads(int v) {
    return put(numThreads, v);
  }

  public FinBertClassifier setPrecision(String v) {
    Precision.parse(v); // fail here, not on an executor
    return put(precision, v);
  }

  public FinBertClassifier setLabels(String... v) {
    return put(labels, v.clone());
  }

  public FinBertClassifier setSortWindow(int v) {
    return put(sortWindow, v);
  }

  public String getModel() {
    return isDefined(model) ? $(model) : null;
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  public int getMaxLength() {
    return (Integer) $(maxLength);
  }

  public boolean getFlatten() {
    return (Boolean) $(flatten);
  }

  public int getNumThreads() {
    return (Integer) $(numThreads);
  }

  public String getPrecision() {
    return $(precision);
  }

  public String[] getLabels() {
    return $(labels).clone();
  }

  public int getSortWindow() {
    return (Integer) $(sortWindow);
  }

  @SuppressWarnings("unchecked")
  private <T> FinBertClassifier put(Param<T> p, T v) {
    set(p, v);
    return this;
  }

  private FinBertClassifier put(IntParam p, int v) {
    set(p, v);
    return this;
  }

  private FinBertClassifier put(BooleanParam p, boolean v) {
    set(p, v);
    return this;
  }

  // ------------------------------------------------------------------------------------------ Transformer

  /** What the executors get: location and options of the model. */
  public ModelSpec spec() {
    String m = getModel();
    if (m == null || m.isBlank()) {
      throw new IllegalArgumentException("FinBertClassifier: setModel(directory, URI or hub id) was not called");
    }
    String rev = $(revision);
    ModelSpec s = new ModelSpec(m, rev.isEmpty() ? null : rev, getBatchSize(), getMaxLength(),
        Precision.parse(getPrecision()), getNumThreads());
    s.options(); // validates
    return s;
  }

  /**
   * The label names of the output schema: {@link #setLabels}, else the model's {@code config.json} {@code id2label}
   * (read on the driver; missing ids named {@code LABEL_i} as Hugging Face does).
   */
  public List<String> resolveLabels() {
    String[] given = $(labels);
    if (given.length > 0) {
      return List.of(given);
    }
    ModelSpec s = spec();
    BertConfig config;
    try {
      config = BertConfig.fromJson(ModelLocator.readConfig(s.model(), s.revision()));
    } catch (ModelLocator.ModelNotFoundException e) {
      throw new IllegalArgumentException("FinBertClassifier: the driver needs the model's config.json for the label "
          + "names of the output schema; " + e.getMessage() + ". Or call setLabels(...) with id2label's names.", e);
    }
    List<String> names = new ArrayList<>(config.labels());
    for (int i = names.size(); i < config.numLabels(); i++) {
      names.add("LABEL_" + i);
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("model " + s.model() + ": config.json defines no labels (id2label / "
          + "num_labels): not a sequence classifier");
    }
    return names;
  }

  private ResultColumns columns(List<String> labelNames) {
    return new ResultColumns(getOutputCol(), labelNames, getFlatten());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return transformSchema(schema, columns(resolveLabels()));
  }

  private StructType transformSchema(StructType schema, ResultColumns cols) {
    String in = getInputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException("FinBertClassifier: input column '" + in + "' not found; columns are "
          + Arrays.toString(schema.fieldNames()));
    }
    StructField f = schema.apply(in);
    if (!f.dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("FinBertClassifier: input column '" + in + "' must be a string, it is "
          + f.dataType().simpleString());
    }
    StructType out = schema;
    for (StructField added : cols.appended()) {
      if (Arrays.asList(out.fieldNames()).contains(added.name())) {
        throw new IllegalArgumentException("FinBertClassifier: output column '" + added.name() + "' already "
            + "exists; choose another setOutputCol");
      }
      out = out.add(added);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    ModelSpec s = spec();
    ResultColumns cols = columns(resolveLabels());
    StructType out = transformSchema(dataset.schema(), cols);
    int textIndex = dataset.schema().fieldIndex(getInputCol());
    return dataset.toDF().mapPartitions(new PartitionScorer(s, textIndex, cols, getSortWindow()), Encoders.row(out));
  }

  @Override
  public FinBertClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Reads a classifier saved with {@code write().save(path)} (also what {@code Pipeline.load} calls). */
  public static MLReader<FinBertClassifier> read() {
    return new DefaultParamsReadable<FinBertClassifier>() {}.read();
  }

  public static FinBertClassifier load(String path) {
    return read().load(path);
  }
}
