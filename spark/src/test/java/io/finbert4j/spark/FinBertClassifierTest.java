package io.finbert4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.core.nn.Kernels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Transformer on local[2]: the same results as the single-JVM {@link FinBert} and as reference.json (Hugging Face
 * outputs in float64, made outside this project), order and extra columns kept across partitions, nulls and empty
 * texts, one model load per JVM, flat columns, save/load in a Pipeline, and errors that name the problem.
 */
class FinBertClassifierTest {
  static final double TOL = 1e-5;
  static final int PARTITIONS = 5;
  static final int ROWS = 60;

  static SparkSession spark;
  static Path model;
  /** Texts of reference.json's single-text items and their HF probabilities in id order. */
  static List<String> refTexts = new ArrayList<>();
  static List<JsonNode> refProbs = new ArrayList<>();
  /** Scored in {@link #setUp} before anything else touches the model in this JVM. */
  static List<Row> firstScored;
  static List<String> rowTexts;

  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("text", DataTypes.StringType, true)
      .add("source", DataTypes.StringType, true);

  @BeforeAll
  static void setUp() throws Exception {
    model = TestSpark.tinyModel();
    for (JsonNode item : new ObjectMapper().readTree(model.resolve("reference.json").toFile()).get("items")) {
      if (item.get("text").size() == 1) {
        refTexts.add(item.get("text").get(0).asText());
        refProbs.add(item.get("probabilities"));
      }
    }
    rowTexts = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rowTexts.add(i % 7 == 3 ? null : refTexts.get(i % refTexts.size()) + (i % 2 == 0 ? "" : " Row " + i + "."));
    }
    spark = TestSpark.session("FinBertClassifierTest");
    firstScored = classifier().transform(rows()).collectAsList();
  }

  @AfterAll
  static void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  static FinBertClassifier classifier() {
    return new FinBertClassifier().setModel(model.toString()).setInputCol("text").setOutputCol("sentiment")
        .setBatchSize(4).setSortWindow(7);
  }

  /** ROWS rows (id, text, source) in PARTITIONS partitions, in id order. */
  static Dataset<Row> rows() {
    List<Row> rs = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rs.add(RowFactory.create((long) i, rowTexts.get(i), "src-" + (i * 31 % 11)));
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return spark.createDataFrame(jsc.parallelize(rs, PARTITIONS), SCHEMA);
  }

  @Test
  void resultsEqualTheSingleJvmPathAndHuggingFace() throws Exception {
    Dataset<Row> in = spark.createDataFrame(
        refTexts.stream().map(t -> RowFactory.create(0L, t, "ref")).toList(), SCHEMA);
    List<Row> out = classifier().transform(in).collectAsList();
    FinBert single = FinBert.load(model);
    List<SentimentResult> expected = single.analyze(refTexts);
    assertEquals(refTexts.size(), out.size());
    for (int i = 0; i < out.size(); i++) {
      Row s = out.get(i).getStruct(3);
      SentimentResult e = expected.get(i);
      assertEquals(e.label(), s.getString(0), "label of " + refTexts.get(i));
      int j = 1;
      for (String label : single.labels()) {
        double p = s.getDouble(j++);
        assertEquals(e.probability(label), p, TOL, label + " vs FinBert, text " + i);
        assertEquals(refProbs.get(i).get(j - 2).asDouble(), p, TOL, label + " vs reference.json, text " + i);
      }
      assertEquals(e.sentimentScore(), s.getDouble(j++), TOL);
      assertEquals(e.truncated(), s.getBoolean(j));
    }
  }

  @Test
  void orderAndOtherColumnsAreKeptAcrossPartitions() {
    assertEquals(PARTITIONS, rows().rdd().getNumPartitions());
    assertEquals(ROWS, firstScored.size());
    for (int i = 0; i < ROWS; i++) {
      Row r = firstScored.get(i);
      assertEquals(i, r.getLong(0), "row order");
      assertEquals(rowTexts.get(i), r.isNullAt(1) ? null : r.getString(1));
      assertEquals("src-" + (i * 31 % 11), r.getString(2));
    }
    StructType schema = classifier().transform(rows()).schema();
    assertArrayEquals(new String[] {"id", "text", "source", "sentiment"}, schema.fieldNames());
    StructType result = (StructType) schema.apply("sentiment").dataType();
    assertArrayEquals(new String[] {"label", "positive", "negative", "neutral", "sentiment_score", "truncated"},
        result.fieldNames());
  }

  @Test
  void nullTextsGiveNullAndEmptyTextsAreClassified() throws Exception {
    FinBert single = FinBert.load(model);
    for (int i = 0; i < ROWS; i++) {
      Row r = firstScored.get(i);
      if (rowTexts.get(i) == null) {
        assertTrue(r.isNullAt(3), "null text → null result at row " + i);
      } else {
        SentimentResult e = single.analyze(rowTexts.get(i));
        assertEquals(e.label(), r.getStruct(3).getString(0));
        assertEquals(e.probability("positive"), r.getStruct(3).getDouble(1), TOL, "row " + i);
      }
    }
    Dataset<Row> edge = spark.createDataFrame(List.of(RowFactory.create(1L, "", "a"),
        RowFactory.create(2L, "   ", "b"), RowFactory.create(3L, null, "c")), SCHEMA);
    List<Row> out = classifier().setFlatten(true).transform(edge).collectAsList();
    SentimentResult empty = single.analyze("");
    for (int k = 0; k < 2; k++) {
      assertEquals(empty.label(), out.get(k).getAs("sentiment_label"));
      assertEquals(empty.probability("neutral"), (double) out.get(k).getAs("sentiment_neutral"), TOL);
      assertEquals(refProbs.get(refTexts.indexOf("")).get(2).asDouble(), // id 2 = neutral
          (double) out.get(k).getAs("sentiment_neutral"), TOL);
    }
    for (String c : List.of("sentiment_label", "sentiment_positive", "sentiment_sentiment_score",
        "sentiment_truncated")) {
      assertNull(out.get(2).getAs(c), c + " of a null text");
    }
  }

  @Test
  void modelIsLoadedOncePerJvmAndThreadsFollowTaskCpus() {
    for (int b : new int[] {2, 3, 8}) { // other batch sizes: same weights, no reload
      assertEquals(ROWS, classifier().setBatchSize(b).transform(rows()).count());
    }
    assertEquals(1, ExecutorModels.loadCount(), "one model load per JVM, not per task or partition");
    assertEquals(1, ThreadSettings.applied(), "spark.task.cpus = 1 in local[2]");
    assertEquals(1, ThreadSettings.blasThreads(), "OpenBLAS threads");
    assertEquals(1, Kernels.threads(), "Java kernel parts");
  }

  @Test
  void savedPipelineGivesTheSameOutput(@TempDir Path tmp) throws Exception {
    FinBertClassifier c = classifier().setFlatten(true).setOutputCol("s").setMaxLength(12);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {c}).fit(rows());
    String dir = tmp.resolve("pipeline").toString();
    fitted.write().save(dir);
    PipelineModel loaded = PipelineModel.load(dir);
    FinBertClassifier back = (FinBertClassifier) loaded.stages()[0];
    assertEquals(12, back.getMaxLength());
    assertEquals("s", back.getOutputCol());
    assertEquals(c.uid(), back.uid());
    List<Row> a = fitted.transform(rows()).collectAsList();
    List<Row> b = loaded.transform(rows()).collectAsList();
    assertEquals(a, b);
    assertTrue(a.stream().anyMatch(r -> Boolean.TRUE.equals(r.getAs("s_truncated"))), "maxLength 12 truncates");

    String single = tmp.resolve("classifier").toString();
    c.write().save(single);
    assertEquals(a, FinBertClassifier.load(single).transform(rows()).collectAsList());
  }

  @Test
  void errorsNameTheProblem() {
    Exception e = assertThrows(IllegalArgumentException.class,
        () -> classifier().setModel("/no/such/model").transform(rows()));
    assertTrue(e.getMessage().contains("/no/such/model") && e.getMessage().contains("not reachable"), e.getMessage());

    // labels given: the driver does not look, the executors find nothing
    Exception onExecutor = assertThrows(Exception.class, () -> classifier().setModel("/no/such/model")
        .setLabels("positive", "negative", "neutral").transform(rows()).collect());
    assertTrue(String.valueOf(onExecutor.getMessage()).contains("is not reachable on host"), onExecutor.getMessage());

    Exception col = assertThrows(IllegalArgumentException.class,
        () -> classifier().setInputCol("id").transform(rows()));
    assertTrue(col.getMessage().contains("must be a string"), col.getMessage());
    Exception missing = assertThrows(IllegalArgumentException.class,
        () -> classifier().setInputCol("body").transform(rows()));
    assertTrue(missing.getMessage().contains("'body' not found"), missing.getMessage());
    Exception clash = assertThrows(IllegalArgumentException.class,
        () -> classifier().setOutputCol("source").transform(rows()));
    assertTrue(clash.getMessage().contains("already exists"), clash.getMessage());
    Exception wrongLabels = assertThrows(Exception.class,
        () -> classifier().setLabels("up", "down", "flat").transform(rows()).collect());
    assertTrue(String.valueOf(wrongLabels.getMessage()).contains("has labels [positive, negative, neutral]"),
        wrongLabels.getMessage());
    assertThrows(IllegalArgumentException.class, () -> classifier().setBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> classifier().setPrecision("fp16"));
    assertNotNull(classifier().spec());
  }
}
