package io.finbert4j.core.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reading labelled examples: CSV ({@code label,text[,text_pair]}) and JSON lines; seeded train/validation split. */
public final class Datasets {
  public static final String LABEL = "label";
  public static final String TEXT = "text";
  public static final String TEXT_PAIR = "text_pair";

  private Datasets() {}

  /**
   * Reads a UTF-8 CSV file (RFC 4180: quoted fields may hold commas, quotes and newlines) with a header naming
   * columns {@code label} and {@code text} (any order, other columns ignored) and optionally {@code text_pair}.
   * Labels are names from {@code labels} (id2label order) or integer ids.
   *
   * @throws IllegalArgumentException for an empty file, a missing column, an empty text or an unknown label (naming
   *     the file, the line and the allowed labels)
   */
  public static List<LabeledExample> readCsv(Path file, List<String> labels) throws IOException {
    requireLabels(labels, file);
    CSVFormat fmt =
        CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).build();
    List<LabeledExample> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p = fmt.parse(r)) {
      Map<String, Integer> header = p.getHeaderMap();
      if (header == null || header.isEmpty()) {
        throw new IllegalArgumentException(file + " is empty: expected a header line \"label,text\" and data rows");
      }
      for (String need : List.of(LABEL, TEXT)) {
        if (!header.containsKey(need)) {
          throw new IllegalArgumentException(
              file + ": the header has no \"" + need + "\" column (columns: " + String.join(", ", header.keySet())
                  + "); expected \"label,text\" with optional \"text_pair\"");
        }
      }
      boolean pair = header.containsKey(TEXT_PAIR);
      // A record starts on the line after the previous one ended (fields may span lines); the header is line 1.
      long lastEnd = p.getCurrentLineNumber();
      for (CSVRecord rec : p) {
        long line = lastEnd + 1;
        lastEnd = p.getCurrentLineNumber();
        String where = file + " line " + line;
        if (!rec.isSet(LABEL) || !rec.isSet(TEXT)) {
          throw new IllegalArgumentException(where + ": expected " + header.size() + " columns, got " + rec.size());
        }
        String text = rec.get(TEXT);
        if (text.isBlank()) {
          throw new IllegalArgumentException(where + ": the text is empty");
        }
        String tp = pair && rec.isSet(TEXT_PAIR) && !rec.get(TEXT_PAIR).isEmpty() ? rec.get(TEXT_PAIR) : null;
        out.add(new LabeledExample(text, tp, Labels.parse(rec.get(LABEL), labels, where), line));
      }
    } catch (IllegalStateException | java.io.UncheckedIOException e) {
      throw new IllegalArgumentException(file + ": malformed CSV: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " has a header but no data rows");
    }
    return out;
  }

  /**
   * Reads JSON lines {@code {"text": ..., "text_pair": ... (optional), "label": name or id}}; blank lines skipped.
   */
  public static List<LabeledExample> readJsonl(Path file, List<String> labels) throws IOException {
    requireLabels(labels, file);
    ObjectMapper json = new ObjectMapper();
    List<LabeledExample> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String s;
      long line = 0;
      while ((s = r.readLine()) != null) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        String where = file + " line " + line;
        JsonNode n;
        try {
          n = json.readTree(s);
        } catch (IOException e) {
          throw new IllegalArgumentException(where + ": not valid JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject() || !n.hasNonNull(TEXT) || !n.get(TEXT).isTextual()) {
          throw new IllegalArgumentException(where + ": expected an object with a string \"text\"");
        }
        if (!n.hasNonNull(LABEL)) {
          throw new IllegalArgumentException(where + ": no \"label\"");
        }
        String tp = n.hasNonNull(TEXT_PAIR) ? n.get(TEXT_PAIR).asText() : null;
        out.add(new LabeledExample(n.get(TEXT).asText(), tp, Labels.parse(n.get(LABEL).asText(), labels, where), line));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " has no examples");
    }
    return out;
  }

  /** A seeded split: {@code [train, validation]} with round(fraction · n) validation examples, stratified by label. */
  public static List<List<LabeledExample>> split(List<LabeledExample> all, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    Random rnd = new Random(seed);
    int classes = all.stream().mapToInt(LabeledExample::label).max().orElse(0) + 1;
    List<LabeledExample> train = new ArrayList<>();
    List<LabeledExample> val = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      List<LabeledExample> of = new ArrayList<>();
      for (LabeledExample e : all) {
        if (e.label() == c) {
          of.add(e);
        }
      }
      Collections.shuffle(of, rnd);
      int nVal = (int) Math.round(of.size() * fraction);
      val.addAll(of.subList(0, nVal));
      train.addAll(of.subList(nVal, of.size()));
    }
    if (val.isEmpty() || train.isEmpty()) {
      throw new IllegalArgumentException(
          "a validation split of " + fraction + " of " + all.size() + " examples leaves one side empty");
    }
    Collections.shuffle(train, rnd);
    return List.of(train, val);
  }

  private static void requireLabels(List<String> labels, Path file) {
    if (labels == null || labels.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot read labels of " + file + ": the model has no id2label (run `finbert init` to add a head)");
    }
  }
}
