package io.finbert4j.trading.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads news: a CSV or JSON-lines file, a folder of them, or LEAN's Tiingo layout (auto-detected, see
 * {@link TiingoNews}). Columns / keys: {@code time} (required, ISO-8601 with offset or Z: when the item became
 * available), {@code symbols} (required; {@code ;}-separated in CSV, an array or a {@code ;}-separated string in
 * JSONL), {@code title}, {@code description}, {@code source}, {@code tags} (like symbols), {@code id},
 * {@code published}. Any other column is an error; so is an item without a title and a description.
 */
public final class NewsReader {
  public static final List<String> COLUMNS =
      List.of("time", "symbols", "title", "description", "source", "tags", "id", "published");
  private static final ObjectMapper JSON = new ObjectMapper();

  private NewsReader() {}

  /** A file, a folder of .csv/.jsonl/.json files, or a Tiingo folder; items sorted by availability then id. */
  public static List<NewsItem> read(Path path, BadRows bad) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "news file or folder does not exist");
    }
    List<NewsItem> out = new ArrayList<>();
    if (Files.isDirectory(path)) {
      Path tiingo = TiingoNews.locate(path);
      if (tiingo != null) {
        out.addAll(TiingoNews.read(tiingo, bad));
      } else {
        List<Path> files;
        try (Stream<Path> s = Files.walk(path)) {
          files = s.filter(Files::isRegularFile).filter(p -> {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".csv") || n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson");
          }).sorted().toList();
        }
        if (files.isEmpty()) {
          throw new IllegalArgumentException(path + ": no .csv, .jsonl or .json news files and no Tiingo layout "
              + "(alternative/tiingo/{ticker}/{yyyyMMdd}.csv)");
        }
        for (Path f : files) {
          out.addAll(readFile(f, bad));
        }
      }
    } else {
      out.addAll(readFile(path, bad));
    }
    out.sort(Comparator.comparing(NewsItem::available).thenComparing(NewsItem::id));
    return out;
  }

  /** One file; JSON lines when its first non-blank character is '{', CSV otherwise. */
  public static List<NewsItem> readFile(Path file, BadRows bad) throws IOException {
    return BadRows.wholeFile(file, () -> readText(file, bad));
  }

  private static List<NewsItem> readText(Path file, BadRows bad) throws IOException {
    String head;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      char[] buf = new char[4096];
      int n = r.read(buf);
      head = n <= 0 ? "" : new String(buf, 0, n).stripLeading();
    }
    if (head.startsWith("\uFEFF")) {
      head = head.substring(1).stripLeading();
    }
    if (head.isEmpty()) {
      return List.of();
    }
    return head.charAt(0) == '{' ? readJsonLines(file, bad) : readCsv(file, bad);
  }

  static List<NewsItem> readCsv(Path file, BadRows bad) throws IOException {
    List<NewsItem> out = new ArrayList<>();
    CsvTable.read(file, "news", COLUMNS, List.of("time", "symbols"), bad, (where, get) -> {
      NewsItem item = build(where, get.apply("id"), get.apply("time"), split(get.apply("symbols")),
          get.apply("title"), get.apply("description"), get.apply("source"), split(get.apply("tags")),
          get.apply("published"), bad);
      if (item != null) {
        out.add(item);
      }
    });
    return out;
  }

  static List<NewsItem> readJsonLines(Path file, BadRows bad) throws IOException {
    List<NewsItem> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String where = file + ":" + lineNo;
        JsonNode n;
        try {
          n = JSON.readTree(line.replace("\uFEFF", ""));
        } catch (IOException e) {
          bad.bad(where, "not a JSON object: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
          continue;
        }
        if (n == null || !n.isObject()) {
          bad.bad(where, "not a JSON object");
          continue;
        }
        String unknown = null;
        for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
          String k = names.next();
          if (!COLUMNS.contains(k)) {
            unknown = k;
            break;
          }
        }
        if (unknown != null) {
          bad.bad(where, "unknown key '" + unknown + "' (news keys: " + String.join(", ", COLUMNS) + ")");
          continue;
        }
        NewsItem item = build(where, text(n, "id"), text(n, "time"), list(n.get("symbols")), text(n, "title"),
            text(n, "description"), text(n, "source"), list(n.get("tags")), text(n, "published"), bad);
        if (item != null) {
          out.add(item);
        }
      }
    }
    return out;
  }

  private static NewsItem build(String where, String id, String time, List<String> symbols, String title,
      String description, String source, List<String> tags, String published, BadRows bad) {
    if (time == null || time.isBlank()) {
      bad.bad(where, "missing time");
      return null;
    }
    Instant t;
    Instant pub = null;
    try {
      t = Times.parseInstant(time, false);
      if (published != null && !published.isBlank()) {
        pub = Times.parseInstant(published, false);
      }
    } catch (IllegalArgumentException e) {
      bad.bad(where, e.getMessage());
      return null;
    }
    if (symbols.isEmpty()) {
      bad.bad(where, "no symbols");
      return null;
    }
    if ((title == null || title.isBlank()) && (description == null || description.isBlank())) {
      bad.bad(where, "no title and no description");
      return null;
    }
    List<String> syms = symbols.stream().map(s -> s.toUpperCase(Locale.ROOT)).distinct().toList();
    List<String> tg = tags.stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList();
    return new NewsItem(id == null || id.isBlank() ? where : id.strip(), t, syms, strip(title), strip(description),
        strip(source), tg, pub, where);
  }

  private static String strip(String s) {
    return s == null ? "" : s.strip();
  }

  private static String text(JsonNode n, String k) {
    JsonNode v = n.get(k);
    return v == null || v.isNull() ? null : v.asText();
  }

  static List<String> list(JsonNode v) {
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isArray()) {
      List<String> out = new ArrayList<>();
      v.forEach(e -> {
        if (!e.asText().isBlank()) {
          out.add(e.asText().strip());
        }
      });
      return out;
    }
    return split(v.asText());
  }

  static List<String> split(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String p : s.split("[;|]")) {
      if (!p.isBlank()) {
        out.add(p.strip());
      }
    }
    return List.copyOf(out);
  }

  /** Writes items as news CSV (the format {@link #read} reads); used by generators and tests. */
  public static void writeCsv(List<NewsItem> items, Path file) throws IOException {
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        var p = new org.apache.commons.csv.CSVPrinter(w, CSVFormat.DEFAULT.builder()
            .setHeader("time", "symbols", "title", "description", "source", "tags", "id").build())) {
      for (NewsItem n : items) {
        p.printRecord(n.available().toString(), String.join(";", n.symbols()), n.title(), n.description(),
            n.source(), String.join(";", n.tags()), n.id());
      }
    }
  }

}
