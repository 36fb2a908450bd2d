package io.finbert4j.trading.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * LEAN's Tiingo News layout: {@code alternative/tiingo/{ticker}/{yyyyMMdd}.csv} (the index: one {@code {id}.json} per
 * line) and {@code alternative/tiingo/content/{yyyyMMdd}.zip} (entries {@code {id}.json}, one JSON object each with
 * {@code id, title, description, source, url, tags, tickers, crawlDate, publishedDate} and LEAN's {@code time}, all
 * UTC). Availability is LEAN's: {@code time} when present, else {@code crawlDate}, but {@code publishedDate + 1 h}
 * when {@code crawlDate − publishedDate > 1 day} (back-filled news).
 */
public final class TiingoNews {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration BACKFILL = Duration.ofDays(1);
  static final Duration BACKFILL_DELAY = Duration.ofHours(1);

  private TiingoNews() {}

  /** The tiingo folder under {@code dir} ({@code dir} itself, {@code dir/tiingo} or {@code dir/alternative/tiingo}), or null. */
  public static Path locate(Path dir) {
    for (Path c : List.of(dir.resolve("alternative").resolve("tiingo"), dir.resolve("tiingo"), dir)) {
      if (Files.isDirectory(c.resolve("content"))) {
        return c;
      }
    }
    return null;
  }

  /** LEAN's availability rule. */
  public static Instant availability(Instant time, Instant crawl, Instant published) {
    if (time != null) {
      return time;
    }
    if (crawl == null) {
      return published;
    }
    if (published != null && Duration.between(published, crawl).compareTo(BACKFILL) > 0) {
      return published.plus(BACKFILL_DELAY);
    }
    return crawl;
  }

  public static List<NewsItem> read(Path tiingo, BadRows bad) throws IOException {
    Map<String, Set<String>> tickersById = new LinkedHashMap<>();
    Map<String, String> dateById = new HashMap<>();
    Map<String, String> whereById = new HashMap<>();
    List<Path> tickerDirs;
    try (Stream<Path> s = Files.list(tiingo)) {
      tickerDirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().equals("content")).sorted()
          .toList();
    }
    for (Path td : tickerDirs) {
      String ticker = td.getFileName().toString().toUpperCase(Locale.ROOT);
      List<Path> days;
      try (Stream<Path> s = Files.list(td)) {
        days = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
      }
      for (Path day : days) {
        String date = day.getFileName().toString().replace(".csv", "");
        List<String> lines = BadRows.wholeFile(day, () -> Files.readAllLines(day, StandardCharsets.UTF_8));
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.isEmpty()) {
            continue;
          }
          String id = line.endsWith(".json") ? line.substring(0, line.length() - 5) : line;
          tickersById.computeIfAbsent(id, k -> new LinkedHashSet<>()).add(ticker);
          dateById.putIfAbsent(id, date);
          whereById.putIfAbsent(id, day + ":" + (i + 1));
        }
      }
    }
    Map<String, Map<String, JsonNode>> contentByDate = new HashMap<>();
    List<NewsItem> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : tickersById.entrySet()) {
      String id = e.getKey();
      String date = dateById.get(id);
      String where = whereById.get(id);
      Map<String, JsonNode> content = contentByDate.get(date);
      if (content == null) {
        Path zip = tiingo.resolve("content").resolve(date + ".zip");
        content = BadRows.wholeFile(zip, () -> readContent(zip, bad));
        contentByDate.put(date, content);
      }
      JsonNode n = content.get(id);
      if (n == null) {
        bad.bad(where, "item " + id + " is not in content/" + date + ".zip");
        continue;
      }
      String zipWhere = tiingo.resolve("content").resolve(date + ".zip") + "!" + id + ".json";
      try {
        Instant time = instant(n, "time");
        Instant crawl = instant(n, "crawlDate");
        Instant pub = instant(n, "publishedDate");
        Instant avail = availability(time, crawl, pub);
        if (avail == null) {
          bad.bad(zipWhere, "no time, crawlDate or publishedDate");
          continue;
        }
        String title = text(n, "title");
        String desc = text(n, "description");
        if (title.isBlank() && desc.isBlank()) {
          bad.bad(zipWhere, "no title and no description");
          continue;
        }
        List<String> tags = NewsReader.list(n.get("tags")).stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
        out.add(new NewsItem(id, avail, List.copyOf(e.getValue()), title.strip(), desc.strip(), text(n, "source"),
            tags, pub, zipWhere));
      } catch (IllegalArgumentException ex) {
        bad.bad(zipWhere, ex.getMessage());
      }
    }
    return out;
  }

  private static Map<String, JsonNode> readContent(Path zip, BadRows bad) throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    if (!Files.isRegularFile(zip)) {
      return out;
    }
    try (ZipFile z = new ZipFile(zip.toFile())) {
      var entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry ze = entries.nextElement();
        String name = ze.getName();
        if (!name.endsWith(".json")) {
          continue;
        }
        try (InputStream in = z.getInputStream(ze)) {
          JsonNode n = JSON.readTree(in);
          out.put(name.substring(name.lastIndexOf('/') + 1, name.length() - 5), n);
        } catch (IOException e) {
          bad.bad(zip + "!" + name, "not a JSON object: " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static String text(JsonNode n, String k) {
    JsonNode v = n.get(k);
    return v == null || v.isNull() ? "" : v.asText();
  }

  private static Instant instant(JsonNode n, String k) {
    String s = text(n, k);
    return s.isBlank() ? null : Times.parseInstant(s, true);
  }

  /**
   * Writes items in the Tiingo layout under {@code root/alternative/tiingo} (index files per ticker and UTC date of
   * availability, one content zip per date). Items get {@code crawlDate} = availability and {@code publishedDate}
   * = published (or availability), no {@code time}.
   */
  public static void write(List<NewsItem> items, Path root) throws IOException {
    Path tiingo = root.resolve("alternative").resolve("tiingo");
    Path content = Files.createDirectories(tiingo.resolve("content"));
    Map<String, List<NewsItem>> byDate = new TreeMap<>();
    for (NewsItem n : items) {
      byDate.computeIfAbsent(Times.BASIC_DATE.format(LocalDate.ofInstant(n.available(), ZoneOffset.UTC)),
          k -> new ArrayList<>()).add(n);
    }
    for (Map.Entry<String, List<NewsItem>> e : byDate.entrySet()) {
      Map<String, StringBuilder> index = new TreeMap<>();
      try (OutputStream os = Files.newOutputStream(content.resolve(e.getKey() + ".zip"));
          ZipOutputStream zos = new ZipOutputStream(os)) {
        for (NewsItem n : e.getValue()) {
          ObjectNode o = JSON.createObjectNode();
          o.put("id", n.id());
          o.put("title", n.title());
          o.put("description", n.description());
          o.put("source", n.source());
          o.put("url", "");
          o.set("tags", JSON.valueToTree(n.tags()));
          o.set("tickers", JSON.valueToTree(n.symbols().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList()));
          o.put("crawlDate", n.available().toString());
          o.put("publishedDate", (n.published() != null ? n.published() : n.available()).toString());
          zos.putNextEntry(new ZipEntry(n.id() + ".json"));
          zos.write(JSON.writeValueAsBytes(o));
          zos.closeEntry();
          for (String s : n.symbols()) {
            index.computeIfAbsent(s.toLowerCase(Locale.ROOT), k -> new StringBuilder()).append(n.id()).append(".json\n");
          }
        }
      }
      for (Map.Entry<String, StringBuilder> ix : index.entrySet()) {
        Path dir = Files.createDirectories(tiingo.resolve(ix.getKey()));
        Files.writeString(dir.resolve(e.getKey() + ".csv"), ix.getValue(), StandardCharsets.UTF_8);
      }
    }
  }
}
