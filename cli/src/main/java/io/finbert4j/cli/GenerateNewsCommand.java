package io.finbert4j.cli;

import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.NewsTemplate;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finbert generate-news}: sentences from structured data, as a news file {@code finbert backtest} reads. */
@Command(
    name = "generate-news",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Turn the rows of any CSV (e.g. government contracts: agency, symbol, description, amount, date) into",
      "news items by filling a template with the row's columns; writes a news CSV for `finbert backtest`."
    },
    footer = {
      "%nExample:",
      "  finbert generate-news \\",
      "      --template \"The {agency} grants {symbol} a contract for {description}.\" \\",
      "      --data contracts.csv --time-column awarded_at --symbol-column symbol \\",
      "      --out news.csv"
    })
public final class GenerateNewsCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Option(names = "--template", required = true, description = "Sentence with {column} fields ({{ and }} for braces).")
  String template;

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "CSV with a header row.")
  Path data;

  @Option(names = "--time-column", required = true, description = "Column with the instant each row became public (ISO-8601 with offset or Z).")
  String timeColumn;

  @Option(names = "--symbol-column", defaultValue = "symbol", description = "Ticker column, ';' for several (default: ${DEFAULT-VALUE}).")
  String symbolColumn;

  @Option(names = "--date-time", paramLabel = "HH:mm", description = "Local time for plain dates in the time column (default: plain dates are an error).")
  String dateTime;

  @Option(names = "--exchange-zone", defaultValue = "America/New_York", description = "Zone of --date-time (default: ${DEFAULT-VALUE}).")
  String zone;

  @Option(names = "--source", defaultValue = "generated", description = "Source written on each item (default: ${DEFAULT-VALUE}).")
  String source;

  @Option(names = "--tags", split = ",", description = "Tags written on each item.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--skip-bad-rows", description = "Count and report bad rows instead of failing on the first.")
  boolean skipBadRows;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "News CSV to write.")
  Path out;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    NewsTemplate t;
    LocalTime at = null;
    ZoneId z;
    try {
      t = new NewsTemplate(template);
      if (dateTime != null) {
        at = LocalTime.parse(dateTime);
      }
      z = ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new CliErrors.UserException("--date-time / --exchange-zone: " + e.getMessage());
    }
    if (!Files.isRegularFile(data)) {
      throw new CliErrors.UserException("--data " + data + " is not a file");
    }
    BadRows bad = skipBadRows ? BadRows.skip() : BadRows.fail();
    List<NewsItem> items = t.generate(data, new NewsTemplate.Spec(timeColumn, symbolColumn, at, z, source,
        tags.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList()), bad);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    NewsReader.writeCsv(items, out);
    stdout.printf("wrote %d news items to %s%s%n", items.size(), out,
        bad.count() > 0 ? " (" + bad.count() + " bad rows skipped; first: " + bad.messages().get(0) + ")" : "");
    if (!items.isEmpty()) {
      stdout.println("e.g. " + items.get(0).available() + " " + String.join(";", items.get(0).symbols()) + ": "
          + items.get(0).title());
    }
    stdout.flush();
    return 0;
  }
}
