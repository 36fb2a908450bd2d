package io.finbert4j.trading.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * A CSV file with a header row, read the way every reader of this package needs it: header names trimmed,
 * lower-cased and stripped of a byte-order mark; an unknown column or a missing required one is an error naming the
 * file; a malformed file (an unterminated quote, say) is an error naming the file; a row with the wrong number of
 * fields goes to {@link BadRows} with its line, and every other row reaches {@code row} with its location.
 */
final class CsvTable {

  /** One well-formed row: {@code where} is {@code file:line}; {@code get} gives a column's value, "" when absent. */
  interface RowHandler {
    void row(String where, Function<String, String> get);
  }

  private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
      .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();

  private CsvTable() {}

  /** The parser, past the header row; a header commons-csv cannot read (an unterminated quote) names the file. */
  private static CSVParser parseHeader(Path file, Reader r) throws IOException {
    try {
      return FORMAT.parse(r);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw e; // BadRows.wholeFile names the file
    } catch (IOException | RuntimeException e) {
      throw new BadRows.BadRowException(file + ":1: malformed CSV header: " + e.getMessage());
    }
  }

  /**
   * Reads {@code file}: {@code kind} names the table in messages ("news", "price"), {@code columns} are all it may
   * have, {@code required} the ones it must have.
   */
  static void read(Path file, String kind, List<String> columns, List<String> required, BadRows bad,
      RowHandler handler) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); CSVParser p = parseHeader(file, r)) {
      List<String> header = p.getHeaderNames().stream()
          .map(h -> h.replace("\uFEFF", "").strip().toLowerCase(Locale.ROOT)).toList();
      for (int i = 0; i < header.size(); i++) {
        String h = header.get(i);
        if (header.indexOf(h) != i) {
          throw new BadRows.BadRowException(file + ":1: duplicate column '" + h + "'");
        }
        if (!columns.contains(h)) {
          throw new BadRows.BadRowException(file + ":1: unknown column '" + h + "' (" + kind + " columns: "
              + String.join(", ", columns) + ")");
        }
      }
      for (String c : required) {
        if (!header.contains(c)) {
          throw new BadRows.BadRowException(file + ":1: " + kind + " CSV needs the columns "
              + String.join(", ", required) + " (has " + String.join(", ", header) + ")");
        }
      }
      Iterator<CSVRecord> it = p.iterator();
      while (true) {
        CSVRecord rec;
        try {
          if (!it.hasNext()) {
            break;
          }
          rec = it.next();
        } catch (RuntimeException e) { // commons-csv reports a malformed file as an unchecked exception
          throw new BadRows.BadRowException(file + ": malformed CSV: " + e.getMessage());
        }
        String where = file + ":" + rec.getParser().getCurrentLineNumber();
        if (rec.size() != header.size()) {
          bad.bad(where, "expected " + header.size() + " fields, got " + rec.size());
          continue;
        }
        handler.row(where, c -> {
          int i = header.indexOf(c);
          return i < 0 ? "" : rec.get(i);
        });
      }
    }
  }
}
