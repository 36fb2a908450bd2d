package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCommandTest {
  @TempDir Path tmp;
  Path news;
  Path prices;

  @BeforeEach
  void market() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.generate(SyntheticMarket.Spec.defaults().withSessions(40));
    news = tmp.resolve("news.csv");
    prices = tmp.resolve("prices.csv");
    NewsReader.writeCsv(m.news(), news);
    PriceReader.writeCsv(m.prices(), prices);
  }

  TrainingFixtures.Run backtest(String... extra) {
    String[] base = {"backtest", "--news", news.toString(), "--prices", prices.toString(), "--model",
        TrainingFixtures.dir().toString(), "--cache", tmp.resolve("scores.sqlite").toString(), "--out",
        tmp.resolve("report").toString()};
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return TrainingFixtures.run(all);
  }

  @Test
  void runsWritesTheReportAndCachesTheScores() throws Exception {
    TrainingFixtures.Run first = backtest("--rebalance", "weekly", "--lookback-days", "5", "--weighting", "exp-ramp");
    assertEquals(0, first.rc(), first.err());
    assertTrue(first.out().contains("Sharpe ratio"), first.out());
    assertTrue(first.out().contains("report: ") && first.out().contains("report.html"), first.out());
    assertTrue(first.err().matches("(?s).*scores: 0 cached, \\d+ scored.*"), first.err());
    for (String f : new String[] {"metrics.json", "trades.csv", "equity.csv", "signals.csv", "report.html"}) {
      assertTrue(Files.isRegularFile(tmp.resolve("report").resolve(f)), f);
    }
    TrainingFixtures.Run second = backtest();
    assertEquals(0, second.rc(), second.err());
    assertTrue(second.err().matches("(?s).*scores: \\d+ cached, 0 scored.*"), second.err());
  }

  @Test
  void badInputIsOneLineNamingFileAndLine() throws Exception {
    Files.writeString(prices, Files.readString(prices) + "2024-02-30,ACMR,1,1,1,1,1\n");
    TrainingFixtures.Run r = backtest();
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertTrue(r.err().strip().matches("error: .*prices\\.csv:\\d+: unparseable date '2024-02-30'.*"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    TrainingFixtures.Run skipped = backtest("--skip-bad-rows");
    assertEquals(0, skipped.rc(), skipped.err());
    assertTrue(skipped.out().contains("1 bad rows skipped"), skipped.out());
  }

  @Test
  void monthlyStrategiesRunFromTheCommandLine() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.monthly(3, 4, java.time.LocalDate.of(2023, 1, 2), 4, 0.004);
    NewsReader.writeCsv(m.news(), news);
    PriceReader.writeCsv(m.prices(), prices);
    TrainingFixtures.Run r = backtest("--strategy", "monthly-sentiment", "--universe-size", "3", "--news-days", "10");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("backtest monthly-sentiment"), r.out());
    TrainingFixtures.Run ft = backtest("--strategy", "monthly-finetune", "--min-samples", "3", "--finetune-epochs", "1",
        "--score-window", "10", "--label-order-as-published");
    assertEquals(0, ft.rc(), ft.err());
    assertTrue(Files.isDirectory(tmp.resolve("report/training")), ft.err());
    assertTrue(Files.readString(tmp.resolve("report/metrics.json")).contains("finetune_seconds_total"));
  }

  @Test
  void unknownStrategyAndBadOptionsAreUserErrors() {
    TrainingFixtures.Run r = backtest("--strategy", "moon");
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertTrue(r.err().contains("unknown --strategy 'moon' (known: long-short, monthly-finetune, monthly-sentiment)"), r.err());
    r = backtest("--fill", "noon");
    assertTrue(r.err().contains("--fill must be open or close"), r.err());
    r = TrainingFixtures.run("backtest", "--model", TrainingFixtures.dir().toString());
    assertTrue(r.err().contains("give --news and --prices"), r.err());
  }
}
