package io.finbert4j.spark;

import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition, streaming: reads up to {@code sortWindow} rows, classifies their non-null texts with
 * {@link FinBert#analyze(List)} (sorted by length and cut into batches of {@code batchSize}, each padded only to its
 * own longest text), and emits the rows in their input order with the result columns appended, before reading the
 * next window. Memory stays bounded by the window whatever the partition's size. The model comes from
 * {@link ExecutorModels} on the first window that holds a text, so an empty partition loads nothing.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
  private final ModelSpec spec;
  private final int textIndex;
  private final ResultColumns columns;
  private final int sortWindow;

  PartitionScorer(ModelSpec spec, int textIndex, ResultColumns columns, int sortWindow) {
    this.spec = spec;
    this.textIndex = textIndex;
    this.columns = columns;
    this.sortWindow = sortWindow;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private final List<Row> window = new ArrayList<>(sortWindow);
      private List<Row> out = List.of();
      private int next;
      private FinBert model;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        if (!rows.hasNext()) {
          return false;
        }
        fill();
        return next < out.size();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }

      private void fill() {
        window.clear();
        while (window.size() < sortWindow && rows.hasNext()) {
          window.add(rows.next());
        }
        List<String> texts = new ArrayList<>(window.size());
        for (Row r : window) {
          if (!r.isNullAt(textIndex)) {
            texts.add(r.getString(textIndex));
          }
        }
        List<SentimentResult> results = List.of();
        if (!texts.isEmpty()) {
          if (model == null) {
            model = ExecutorModels.get(spec);
            columns.checkLabels(model.labels(), spec.model());
          }
          results = model.analyze(texts);
        }
        List<Row> scored = new ArrayList<>(window.size());
        int k = 0;
        for (Row r : window) {
          int n = r.length();
          Object[] v = new Object[n + columns.width()];
          for (int i = 0; i < n; i++) {
            v[i] = r.get(i);
          }
          columns.write(r.isNullAt(textIndex) ? null : results.get(k++), v, n);
          scored.add(RowFactory.create(v));
        }
        out = scored;
        next = 0;
      }
    };
  }
}
