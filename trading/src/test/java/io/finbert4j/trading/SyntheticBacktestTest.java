package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.data.TiingoNews;
import io.finbert4j.trading.score.FinBertScorer;
import io.finbert4j.trading.score.TextScorer;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proof of issue 13 §5: a tiny model fine-tuned on the templates earns on true news and not on shuffled news. */
class SyntheticBacktestTest {
  static SyntheticMarket.Market market;
  static TextScorer tiny;
  static Path tinyDir;
  @TempDir Path tmp;

  @BeforeAll
  static void setUp() throws Exception {
    market = SyntheticMarket.generate(SyntheticMarket.Spec.defaults());
    tinyDir = Fixtures.tunedTiny();
    tiny = FinBertScorer.load(tinyDir);
  }

  static BacktestRun.Outcome run(List<NewsItem> news, Prices prices, Path out) throws Exception {
    BacktestRun.Request q = new BacktestRun.Request("long-short", StrategySettings.defaults(),
        BacktestConfig.defaults(), news, prices, tiny, tinyDir, null, TextField.DESCRIPTION, out, Map.of(), 1, Map.of());
    return BacktestRun.run(q, new PrintWriter(new StringWriter()));
  }

  @Test
  void trueNewsEarnsShuffledNewsDoesNot() throws Exception {
    BacktestRun.Outcome real = run(market.news(), market.prices(), tmp.resolve("real"));
    BacktestRun.Outcome shuffled = run(SyntheticMarket.shuffleTimes(market.news(), 3), market.prices(), null);
    double s1 = real.result().metrics().get("sharpe_ratio");
    double s2 = shuffled.result().metrics().get("sharpe_ratio");
    System.out.printf("tiny model: Sharpe true news %.2f, shuffled %.2f%n", s1, s2);
    assertTrue(s1 > 2, "true news: " + real.result().metrics());
    assertTrue(s2 < 1, "shuffled news: " + shuffled.result().metrics());
    Path out = tmp.resolve("real");
    for (String f : List.of("metrics.json", "trades.csv", "equity.csv", "signals.csv", "equity.png", "drawdown.png",
        "monthly-returns.png", "report.html", "symbols/acmr.png")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"equity.png\""));
    String metrics = Files.readString(out.resolve("metrics.json"));
    assertTrue(metrics.contains("\"sharpe_ratio\""), metrics);
    assertEquals(real.result().equity().size() + 1, Files.readAllLines(out.resolve("equity.csv")).size());
    try (var s = Files.list(tmp)) {
      assertEquals(1, s.count(), "no staging folder is left behind");
    }
  }

  @Test
  void leanLayoutRoundTripGivesTheSameMetrics() throws Exception {
    Path csvNews = tmp.resolve("news.csv");
    Path csvPrices = tmp.resolve("prices.csv");
    NewsReader.writeCsv(market.news(), csvNews);
    PriceReader.writeCsv(market.prices(), csvPrices);
    Path lean = tmp.resolve("lean");
    TiingoNews.write(market.news(), lean);
    PriceReader.writeLean(market.prices(), lean);
    var fromCsv = run(NewsReader.read(csvNews, BadRows.fail()), PriceReader.read(csvPrices, BadRows.fail()), null);
    var fromLean = run(NewsReader.read(lean, BadRows.fail()), PriceReader.read(lean, BadRows.fail()), null);
    assertEquals(fromCsv.result().metrics(), fromLean.result().metrics());
    assertEquals(fromCsv.result().trades().size(), fromLean.result().trades().size());
  }
}
