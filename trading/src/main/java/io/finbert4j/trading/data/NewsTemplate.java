package io.finbert4j.trading.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Sentences generated from structured data (the platform's third FinBERT use case): a template such as
 * {@code "The {agency} grants {symbol} a contract for {description}."} filled from each row of any CSV, giving news
 * items that {@code finbert backtest} reads. Fields are column names in braces ({@code {{} and {@code }}} for literal
 * braces); a field missing from the header, or empty in a row, is an error naming the field and the row.
 */
public final class NewsTemplate {
  private static final Pattern FIELD = Pattern.compile("\\{([^{}]+)}");
  private final String template;
  private final List<String> fields;

  public NewsTemplate(String template) {
    this.template = template;
    Set<String> f = new LinkedHashSet<>();
    Matcher m = FIELD.matcher(template.replace("{{", "\u0001").replace("}}", "\u0002"));
    while (m.find()) {
      f.add(m.group(1).strip());
    }
    if (f.isEmpty()) {
      throw new IllegalArgumentException("--template has no {field}: '" + template + "'");
    }
    this.fields = List.copyOf(f);
  }

  public List<String> fields() {
    return fields;
  }

  /** The sentence for one row; {@code where} names the row in errors. */
  public String render(Map<String, String> row, String where) {
    StringBuilder sb = new StringBuilder();
    Matcher m = FIELD.matcher(template.replace("{{", "\u0001").replace("}}", "\u0002"));
    while (m.find()) {
      String name = m.group(1).strip();
      String v = row.get(name);
      if (v == null) {
        throw new BadRows.BadRowException(where + ": template field {" + name + "} is not a column (columns: "
            + String.join(", ", row.keySet()) + ")");
      }
      if (v.isBlank()) {
        throw new BadRows.BadRowException(where + ": template field {" + name + "} is empty");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v.strip()));
    }
    m.appendTail(sb);
    return sb.toString().replace('\u0001', '{').replace('\u0002', '}');
  }

  /**
   * Settings of {@link #generate}.
   *
   * @param timeColumn the column with the instant each row became public (ISO-8601 with offset or Z; a plain date
   *     needs {@code dateTime})
   * @param symbolColumn the ticker column ({@code ;} separates several)
   * @param dateTime the local time given to plain dates (e.g. 17:00), in {@code zone}; null: plain dates are errors
   * @param source the news source written out
   * @param tags tags written on every item
   */
  public record Spec(String timeColumn, String symbolColumn, LocalTime dateTime, ZoneId zone, String source,
      List<String> tags) {}

  /** Every row of {@code csv} as a news item, in file order. */
  public List<NewsItem> generate(Path csv, Spec spec, BadRows bad) throws IOException {
    List<NewsItem> out = new ArrayList<>();
    CSVFormat fmt = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true)
        .setIgnoreEmptyLines(true).build();
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8); CSVParser p = fmt.parse(r)) {
      List<String> header = p.getHeaderNames().stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
      for (String c : List.of(spec.timeColumn(), spec.symbolColumn())) {
        if (!header.contains(c)) {
          throw new BadRows.BadRowException(csv + ":1: no column '" + c + "' (columns: " + String.join(", ", header)
              + ")");
        }
      }
      for (String f : fields) {
        if (!header.contains(f)) {
          throw new BadRows.BadRowException(csv + ":1: template field {" + f + "} is not a column (columns: "
              + String.join(", ", header) + ")");
        }
      }
      for (CSVRecord rec : p) {
        String where = csv + ":" + rec.getParser().getCurrentLineNumber();
        if (!rec.isConsistent()) {
          bad.bad(where, "expected " + header.size() + " fields, got " + rec.size());
          continue;
        }
        Map<String, String> row = new java.util.LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
          row.put(header.get(i), rec.get(i));
        }
        try {
          String text = render(row, where);
          Instant t = time(row.get(spec.timeColumn()), spec, where);
          List<String> syms = NewsReader.split(row.get(spec.symbolColumn())).stream()
              .map(s -> s.toUpperCase(Locale.ROOT)).toList();
          if (syms.isEmpty()) {
            throw new BadRows.BadRowException(where + ": empty " + spec.symbolColumn());
          }
          out.add(new NewsItem("gen-" + rec.getRecordNumber(), t, syms, text, "", spec.source(), spec.tags(), null,
              where));
        } catch (IllegalArgumentException e) {
          bad.bad(where, e.getMessage().startsWith(where) ? e.getMessage().substring(where.length() + 2)
              : e.getMessage());
        }
      }
    }
    return out;
  }

  private static Instant time(String v, Spec spec, String where) {
    String s = v == null ? "" : v.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException(where + ": empty " + spec.timeColumn());
    }
    if (s.length() <= 10 && !s.contains("T")) {
      if (spec.dateTime() == null) {
        throw new IllegalArgumentException(where + ": " + spec.timeColumn() + " '" + s + "' is a date without a time;"
            + " give --date-time HH:mm (local time in --exchange-zone) or ISO-8601 instants");
      }
      return Times.parseDate(s).atTime(spec.dateTime()).atZone(spec.zone()).toInstant();
    }
    return Times.parseInstant(s, false);
  }
}
