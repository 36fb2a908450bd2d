package io.finbert4j.spark;

import io.finbert4j.core.SentimentResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a {@link FinBertClassifier} appends, and the values of one result in them. Fields, in order:
 * {@code label} (string), one double per {@code id2label} name in id order (the probabilities), {@code sentiment_score}
 * (double, P(positive) − P(negative), null when the model has no such labels) and {@code truncated} (boolean). Nested
 * (default): one struct column named {@code outputCol}, null for a null text. Flat: columns
 * {@code <outputCol>_<field>}, all null for a null text.
 */
final class ResultColumns implements Serializable {
  static final String LABEL = "label";
  static final String SCORE = "sentiment_score";
  static final String TRUNCATED = "truncated";

  private final String outputCol;
  private final List<String> labels;
  private final boolean flatten;

  ResultColumns(String outputCol, List<String> labels, boolean flatten) {
    this.outputCol = outputCol;
    this.labels = List.copyOf(labels);
    this.flatten = flatten;
    Set<String> names = new HashSet<>(List.of(LABEL, SCORE, TRUNCATED));
    for (String l : labels) {
      if (!names.add(l)) {
        throw new IllegalArgumentException("label name '" + l + "' in id2label collides with another result field "
            + "(fields: label, one per label " + labels + ", sentiment_score, truncated)");
      }
    }
  }

  List<String> labels() {
    return labels;
  }

  /** The result struct: label, probabilities, sentiment_score, truncated. */
  StructType struct() {
    List<StructField> f = new ArrayList<>();
    f.add(DataTypes.createStructField(LABEL, DataTypes.StringType, false));
    for (String l : labels) {
      f.add(DataTypes.createStructField(l, DataTypes.DoubleType, false));
    }
    f.add(DataTypes.createStructField(SCORE, DataTypes.DoubleType, true));
    f.add(DataTypes.createStructField(TRUNCATED, DataTypes.BooleanType, false));
    return DataTypes.createStructType(f);
  }

  /** The fields appended to a row's schema: one nullable struct, or the struct's fields as nullable columns. */
  List<StructField> appended() {
    if (!flatten) {
      return List.of(DataTypes.createStructField(outputCol, struct(), true));
    }
    List<StructField> out = new ArrayList<>();
    for (StructField f : struct().fields()) {
      out.add(DataTypes.createStructField(outputCol + "_" + f.name(), f.dataType(), true));
    }
    return out;
  }

  /** Number of appended columns. */
  int width() {
    return flatten ? labels.size() + 3 : 1;
  }

  /** Writes the values of {@code r} (null: a null text) into {@code row} from index {@code at}. */
  void write(SentimentResult r, Object[] row, int at) {
    if (r == null) {
      return; // the array's nulls stay
    }
    Object[] v = new Object[labels.size() + 3];
    v[0] = r.label();
    int i = 1;
    for (double p : r.probabilities().values()) {
      v[i++] = p;
    }
    v[i++] = Double.isNaN(r.sentimentScore()) ? null : r.sentimentScore();
    v[i] = r.truncated();
    if (flatten) {
      System.arraycopy(v, 0, row, at, v.length);
    } else {
      row[at] = RowFactory.create(v);
    }
  }

  /** Whether the loaded model's labels are the ones the schema was made for. */
  void checkLabels(List<String> modelLabels, String model) {
    if (!modelLabels.equals(labels)) {
      throw new IllegalStateException("model " + model + " has labels " + modelLabels + " but the output schema was "
          + "made for " + labels + " (setLabels, or a different config.json on the driver)");
    }
  }

}
