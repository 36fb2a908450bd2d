package io.finbert4j.trading.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads daily prices: CSV {@code date,symbol,open,high,low,close,volume[,adj_close]} (dollars), or LEAN's
 * {@code equity/usa/daily/{ticker}.zip} (entry {@code {ticker}.csv}, rows {@code yyyyMMdd 00:00,open,high,low,close,volume}
 * in 1/10000 dollars); a file or a folder of either (a LEAN data root works too). Errors name file, line and
 * problem: unparseable numbers or dates, unknown columns, negative prices, duplicate bars.
 */
public final class PriceReader {
  public static final List<String> COLUMNS = List.of("date", "symbol", "open", "high", "low", "close", "volume",
      "adj_close");
  /** LEAN stores equity prices as integers in 1/10000 dollars ("deci-cents"). */
  public static final double LEAN_SCALE = 10_000.0;

  private PriceReader() {}

  public static Prices read(Path path, BadRows bad) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "price file or folder does not exist");
    }
    List<Bar> bars = new ArrayList<>();
    if (Files.isDirectory(path)) {
      Path lean = path.resolve("equity").resolve("usa").resolve("daily");
      Path root = Files.isDirectory(lean) ? lean : path;
      List<Path> files;
      try (Stream<Path> s = Files.walk(root)) {
        files = s.filter(Files::isRegularFile).filter(p -> {
          String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
          return n.endsWith(".csv") || n.endsWith(".zip");
        }).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(path + ": no .csv price files and no LEAN equity/usa/daily/*.zip");
      }
      for (Path f : files) {
        bars.addAll(readFile(f, bad));
      }
    } else {
      bars.addAll(readFile(path, bad));
    }
    Set<String> seen = new HashSet<>();
    List<Bar> unique = new ArrayList<>(bars.size());
    for (Bar b : bars) {
      if (!seen.add(b.symbol() + "|" + b.date())) {
        bad.bad(b.origin(), "duplicate bar for " + b.symbol() + " on " + b.date());
        continue;
      }
      unique.add(b);
    }
    if (unique.isEmpty()) {
      throw new IllegalArgumentException(path + ": no price bars");
    }
    return new Prices(unique);
  }

  public static List<Bar> readFile(Path file, BadRows bad) throws IOException {
    String name = file.getFileName().toString();
    if (name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
      return BadRows.wholeFile(file,
          () -> readLeanZip(file, name.substring(0, name.length() - 4).toUpperCase(Locale.ROOT), bad));
    }
    return BadRows.wholeFile(file, () -> readCsv(file, bad));
  }

  static List<Bar> readCsv(Path file, BadRows bad) throws IOException {
    List<Bar> out = new ArrayList<>();
    CsvTable.read(file, "price", COLUMNS, COLUMNS.subList(0, 7), bad, (where, get) -> {
      try {
        LocalDate d = Times.parseDate(get.apply("date"));
        String sym = get.apply("symbol").strip().toUpperCase(Locale.ROOT);
        if (sym.isEmpty()) {
          throw new IllegalArgumentException("empty symbol");
        }
        double adj = get.apply("adj_close").isBlank() ? Double.NaN : num(get.apply("adj_close"), "adj_close");
        out.add(bar(d, sym, num(get.apply("open"), "open"), num(get.apply("high"), "high"),
            num(get.apply("low"), "low"), num(get.apply("close"), "close"), num(get.apply("volume"), "volume"), adj,
            where));
      } catch (IllegalArgumentException e) {
        bad.bad(where, e.getMessage());
      }
    });
    return out;
  }

  static List<Bar> readLeanZip(Path zip, String ticker, BadRows bad) throws IOException {
    List<Bar> out = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      var entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry ze = entries.nextElement();
        if (!ze.getName().toLowerCase(Locale.ROOT).endsWith(".csv")) {
          continue;
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(z.getInputStream(ze), StandardCharsets.UTF_8))) {
          long lineNo = 0;
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lineNo++;
            if (line.isBlank()) {
              continue;
            }
            String where = zip + "!" + ze.getName() + ":" + lineNo;
            String[] f = line.split(",", -1);
            if (f.length != 6) {
              bad.bad(where, "expected 6 fields (yyyyMMdd 00:00,open,high,low,close,volume), got " + f.length);
              continue;
            }
            try {
              String ds = f[0].strip();
              LocalDate d = Times.parseDate(ds.length() >= 8 ? ds.substring(0, 8) : ds);
              out.add(bar(d, ticker, num(f[1], "open") / LEAN_SCALE, num(f[2], "high") / LEAN_SCALE,
                  num(f[3], "low") / LEAN_SCALE, num(f[4], "close") / LEAN_SCALE, num(f[5], "volume"), Double.NaN,
                  where));
            } catch (IllegalArgumentException e) {
              bad.bad(where, e.getMessage());
            }
          }
        }
      }
    }
    return out;
  }

  private static Bar bar(LocalDate d, String sym, double o, double h, double l, double c, double v, double adj,
      String where) {
    if (o <= 0 || h <= 0 || l <= 0 || c <= 0) {
      throw new IllegalArgumentException((o < 0 || h < 0 || l < 0 || c < 0 ? "negative" : "zero") + " price for "
          + sym + " on " + d);
    }
    if (v < 0) {
      throw new IllegalArgumentException("negative volume for " + sym + " on " + d);
    }
    if (!Double.isNaN(adj) && adj <= 0) {
      throw new IllegalArgumentException("non-positive adj_close for " + sym + " on " + d);
    }
    return new Bar(d, sym, o, h, l, c, v, adj, where);
  }

  private static double num(String s, String col) {
    try {
      double v = Double.parseDouble(s.strip());
      if (!Double.isFinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unparseable " + col + " '" + s + "'");
    }
  }

  /** Writes bars as price CSV. */
  public static void writeCsv(Prices prices, Path file) throws IOException {
    StringBuilder sb = new StringBuilder("date,symbol,open,high,low,close,volume\n");
    for (Bar b : prices.all()) {
      sb.append(b.date()).append(',').append(b.symbol()).append(',').append(b.open()).append(',').append(b.high())
          .append(',').append(b.low()).append(',').append(b.close()).append(',').append((long) b.volume()).append('\n');
    }
    Files.writeString(file, sb, StandardCharsets.UTF_8);
  }

  /** Writes LEAN's layout under {@code root/equity/usa/daily} (prices rounded to 1/10000 dollars). */
  public static void writeLean(Prices prices, Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("equity").resolve("usa").resolve("daily"));
    Map<String, List<Bar>> by = new TreeMap<>();
    for (Bar b : prices.all()) {
      by.computeIfAbsent(b.symbol(), k -> new ArrayList<>()).add(b);
    }
    for (Map.Entry<String, List<Bar>> e : by.entrySet()) {
      String t = e.getKey().toLowerCase(Locale.ROOT);
      try (OutputStream os = Files.newOutputStream(dir.resolve(t + ".zip")); ZipOutputStream zos = new ZipOutputStream(os)) {
        zos.putNextEntry(new ZipEntry(t + ".csv"));
        StringBuilder sb = new StringBuilder();
        for (Bar b : e.getValue()) {
          sb.append(Times.BASIC_DATE.format(b.date())).append(" 00:00,").append(Math.round(b.open() * LEAN_SCALE))
              .append(',').append(Math.round(b.high() * LEAN_SCALE)).append(',').append(Math.round(b.low() * LEAN_SCALE))
              .append(',').append(Math.round(b.close() * LEAN_SCALE)).append(',').append((long) b.volume()).append('\n');
        }
        zos.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        zos.closeEntry();
      }
    }
  }
}
