package io.finbert4j.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * Classification metrics from a confusion matrix: accuracy, per-class precision / recall / F1 / support, macro-F1
 * (unweighted mean of the per-class F1, as scikit-learn's {@code f1_score(average="macro")}; an undefined ratio
 * counts as 0, as scikit-learn's {@code zero_division=0}).
 */
public final class Metrics {
  private final List<String> labels;
  /** confusion[t][p] = number of examples of true class t predicted as p. [C][C] */
  private final long[][] confusion;

  private Metrics(List<String> labels, long[][] confusion) {
    this.labels = List.copyOf(labels);
    this.confusion = confusion;
  }

  /** Metrics of predictions against gold labels (class ids 0..labels.size()-1). */
  public static Metrics of(List<String> labels, int[] gold, int[] predicted) {
    if (gold.length != predicted.length) {
      throw new IllegalArgumentException(
          "metrics need as many predictions as gold labels, got " + predicted.length + " vs " + gold.length);
    }
    int c = labels.size();
    long[][] cm = new long[c][c];
    for (int i = 0; i < gold.length; i++) {
      if (gold[i] < 0 || gold[i] >= c || predicted[i] < 0 || predicted[i] >= c) {
        throw new IllegalArgumentException(
            "example " + i + ": class ids must be in [0, " + c + "), got gold " + gold[i] + " predicted " + predicted[i]);
      }
      cm[gold[i]][predicted[i]]++;
    }
    return new Metrics(labels, cm);
  }

  /** The index of the largest logit of each row (ties: the first). */
  public static int[] argmax(float[][] logits) {
    int[] out = new int[logits.length];
    for (int i = 0; i < logits.length; i++) {
      int best = 0;
      for (int j = 1; j < logits[i].length; j++) {
        if (logits[i][j] > logits[i][best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  public List<String> labels() {
    return labels;
  }

  /** A copy of the confusion matrix, rows = true class, columns = predicted class. */
  public long[][] confusion() {
    long[][] out = new long[confusion.length][];
    for (int i = 0; i < out.length; i++) {
      out[i] = confusion[i].clone();
    }
    return out;
  }

  public long total() {
    long n = 0;
    for (long[] row : confusion) {
      for (long x : row) {
        n += x;
      }
    }
    return n;
  }

  public double accuracy() {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      correct += confusion[i][i];
    }
    long n = total();
    return n == 0 ? 0.0 : (double) correct / n;
  }

  public long support(int c) {
    long s = 0;
    for (long x : confusion[c]) {
      s += x;
    }
    return s;
  }

  private long predictedCount(int c) {
    long s = 0;
    for (long[] row : confusion) {
      s += row[c];
    }
    return s;
  }

  public double precision(int c) {
    long p = predictedCount(c);
    return p == 0 ? 0.0 : (double) confusion[c][c] / p;
  }

  public double recall(int c) {
    long s = support(c);
    return s == 0 ? 0.0 : (double) confusion[c][c] / s;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }

  public double macroF1() {
    double s = 0;
    for (int c = 0; c < labels.size(); c++) {
      s += f1(c);
    }
    return labels.isEmpty() ? 0.0 : s / labels.size();
  }

  /** A metric by name, for early stopping: {@code accuracy}, {@code macro_f1}. */
  public double get(String name) {
    return switch (name) {
      case "accuracy" -> accuracy();
      case "macro_f1", "f1" -> macroF1();
      default -> throw new IllegalArgumentException("unknown metric \"" + name + "\": use accuracy or macro_f1");
    };
  }

  /** One JSON object: accuracy, macro_f1, n, per_class {label: {precision, recall, f1, support}}, labels, confusion. */
  public ObjectNode toJson() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode o = json.createObjectNode();
    o.put("accuracy", accuracy());
    o.put("macro_f1", macroF1());
    o.put("n", total());
    ObjectNode per = o.putObject("per_class");
    for (int c = 0; c < labels.size(); c++) {
      ObjectNode k = per.putObject(labels.get(c));
      k.put("precision", precision(c));
      k.put("recall", recall(c));
      k.put("f1", f1(c));
      k.put("support", support(c));
    }
    ArrayNode ls = o.putArray("labels");
    labels.forEach(ls::add);
    ArrayNode cm = o.putArray("confusion_matrix");
    for (long[] row : confusion) {
      ArrayNode r = cm.addArray();
      for (long x : row) {
        r.add(x);
      }
    }
    return o;
  }

  /** A table for people: summary line, per-class table, confusion matrix (rows true, columns predicted). */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    int w = Math.max(9, labels.stream().mapToInt(String::length).max().orElse(0) + 2);
    sb.append(String.format(Locale.ROOT, "accuracy %.4f   macro-F1 %.4f   n %d%n%n", accuracy(), macroF1(), total()));
    sb.append(String.format(Locale.ROOT, "%-" + w + "s %9s %9s %9s %9s%n", "class", "precision", "recall", "f1",
        "support"));
    for (int c = 0; c < labels.size(); c++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s %9.4f %9.4f %9.4f %9d%n", labels.get(c), precision(c),
          recall(c), f1(c), support(c)));
    }
    sb.append(String.format(Locale.ROOT, "%nconfusion matrix (rows: true, columns: predicted)%n%-" + w + "s", ""));
    for (String l : labels) {
      sb.append(String.format(Locale.ROOT, " %" + w + "s", l));
    }
    sb.append(System.lineSeparator());
    for (int t = 0; t < labels.size(); t++) {
      sb.append(String.format(Locale.ROOT, "%-" + w + "s", labels.get(t)));
      for (int p = 0; p < labels.size(); p++) {
        sb.append(String.format(Locale.ROOT, " %" + w + "d", confusion[t][p]));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "accuracy %.4f macro-F1 %.4f (n %d)", accuracy(), macroF1(), total());
  }
}
