package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateNewsCommandTest {
  @TempDir Path tmp;
  static final String TEMPLATE = "The {agency} grants {symbol} a contract for {description}.";

  Path contracts() throws Exception {
    Path f = tmp.resolve("contracts.csv");
    Files.writeString(f, "agency,symbol,description,amount,awarded_at\n"
        + "Department of Energy,ACMR,grid-scale battery storage,120000000,2024-01-10T17:30:00-05:00\n"
        + "Department of Defense,BLVD,field rations,45000000,2024-01-17T18:00:00-05:00\n"
        + "General Services Administration,CRNX,solar panels for federal buildings,80000000,2024-02-05T16:45:00-05:00\n");
    return f;
  }

  @Test
  void generatedContractsFeedABacktest() throws Exception {
    Path news = tmp.resolve("news.csv");
    TrainingFixtures.Run r = TrainingFixtures.run("generate-news", "--template", TEMPLATE, "--data",
        contracts().toString(), "--time-column", "awarded_at", "--symbol-column", "symbol", "--tags", "contract",
        "--out", news.toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("wrote 3 news items"), r.out());
    List<NewsItem> items = NewsReader.read(news, BadRows.fail());
    assertEquals("The Department of Energy grants ACMR a contract for grid-scale battery storage.", items.get(0).title());
    assertEquals(Instant.parse("2024-01-10T22:30:00Z"), items.get(0).available());
    assertEquals(List.of("contract"), items.get(0).tags());
    Path prices = tmp.resolve("prices.csv");
    PriceReader.writeCsv(SyntheticMarket.generate(SyntheticMarket.Spec.defaults().withSessions(40)).prices(), prices);
    TrainingFixtures.Run bt = TrainingFixtures.run("backtest", "--news", news.toString(), "--prices", prices.toString(),
        "--model", TrainingFixtures.dir().toString(), "--no-cache", "--lookback-days", "3", "--out",
        tmp.resolve("report").toString());
    assertEquals(0, bt.rc(), bt.err());
    assertTrue(bt.err().contains("scores: 0 cached, 3 scored"), bt.err());
    assertTrue(Files.readString(tmp.resolve("report/signals.csv")).contains("ACMR"));
  }

  @Test
  void missingFieldsNameTheFieldAndRow() throws Exception {
    TrainingFixtures.Run r = TrainingFixtures.run("generate-news", "--template", "The {agency} pays {vendor}.",
        "--data", contracts().toString(), "--time-column", "awarded_at", "--out", tmp.resolve("n.csv").toString());
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertTrue(r.err().contains("contracts.csv:1: template field {vendor} is not a column"), r.err());
    Path f = tmp.resolve("gaps.csv");
    Files.writeString(f, "agency,symbol,description,awarded_at\nDoE,ACMR,,2024-01-10T17:30:00-05:00\n");
    r = TrainingFixtures.run("generate-news", "--template", TEMPLATE, "--data", f.toString(), "--time-column",
        "awarded_at", "--out", tmp.resolve("n.csv").toString());
    assertTrue(r.err().contains("gaps.csv:2: template field {description} is empty"), r.err());
    Files.writeString(f, "agency,symbol,description,awarded_at\nDoE,ACMR,x,2024-01-10\n");
    r = TrainingFixtures.run("generate-news", "--template", TEMPLATE, "--data", f.toString(), "--time-column",
        "awarded_at", "--out", tmp.resolve("n.csv").toString());
    assertTrue(r.err().contains("is a date without a time"), r.err());
    r = TrainingFixtures.run("generate-news", "--template", TEMPLATE, "--data", f.toString(), "--time-column",
        "awarded_at", "--date-time", "17:00", "--out", tmp.resolve("n.csv").toString());
    assertEquals(0, r.rc(), r.err());
    assertEquals(Instant.parse("2024-01-10T22:00:00Z"),
        NewsReader.read(tmp.resolve("n.csv"), BadRows.fail()).get(0).available());
  }
}
