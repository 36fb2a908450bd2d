package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.score.NewsScoring;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoLookAheadTest {
  static final SentimentLabels LABELS = SentimentLabels.of(List.of("positive", "negative", "neutral"));

  static BacktestResult run(SyntheticMarket.Market m, List<NewsItem> news, StrategySettings s, BacktestConfig cfg)
      throws Exception {
    NewsScoring.Result scored = NewsScoring.score(news, io.finbert4j.trading.data.TextField.DESCRIPTION,
        new Fixtures.Oracle(), null, null);
    Strategy strat = Strategies.create("long-short", s, null);
    return Backtester.run(m.prices(), scored.items(), LABELS, strat, cfg);
  }

  static final BacktestConfig NO_COSTS = BacktestConfig.defaults().withCosts(Costs.bps(0));

  @Test
  void movesBeforeTheHeadlineEarnNothing() throws Exception {
    SyntheticMarket.Market trap = SyntheticMarket.generate(SyntheticMarket.Spec.defaults()
        .withPlant(SyntheticMarket.Plant.SAME_SESSION_BEFORE_NEWS).withSessions(250));
    BacktestResult honest = run(trap, trap.news(), StrategySettings.defaults(), NO_COSTS);
    double sharpe = honest.metrics().get("sharpe_ratio");
    assertTrue(Math.abs(sharpe) < 1.0, "an honest backtest cannot earn a move that happened before the news: "
        + honest.metrics());
    // The same market with every headline one session earlier is what moving fills one session earlier would do:
    // then the move is earned, so the assertion above would fail for an engine that looked ahead.
    List<NewsItem> early = new ArrayList<>();
    for (NewsItem n : trap.news()) {
      early.add(n.withAvailable(n.available().minus(Duration.ofDays(1))));
    }
    early.removeIf(n -> n.available().atZone(Timeline.NEW_YORK).getDayOfWeek().getValue() > 5);
    BacktestResult cheat = run(trap, early, StrategySettings.defaults(), NO_COSTS);
    assertTrue(cheat.metrics().get("sharpe_ratio") > 3, "look-ahead by one session is detectable: " + cheat.metrics());
  }

  /** Hand-built: one headline at 16:05 on day 1; the engine must trade at day 2's open, at day 2's open price. */
  @Test
  void fillIsAtTheFirstOpenStrictlyAfterTheNews() throws Exception {
    List<Bar> bars = new ArrayList<>();
    LocalDate d0 = LocalDate.of(2024, 3, 7);
    double[][] px = {{100, 100}, {100, 110}, {120, 130}, {130, 131}}; // open, close of 4 sessions (Thu..Tue)
    LocalDate[] days = {d0, d0.plusDays(1), d0.plusDays(4), d0.plusDays(5)};
    for (int i = 0; i < 4; i++) {
      bars.add(new Bar(days[i], "ACMR", px[i][0], px[i][1], px[i][0], px[i][1], 1000, Double.NaN, "t"));
      bars.add(new Bar(days[i], "BLVD", 50, 50, 50, 50, 1000, Double.NaN, "t"));
    }
    Instant after = ZonedDateTime.of(2024, 3, 8, 16, 5, 0, 0, Timeline.NEW_YORK).toInstant();
    String pos = SyntheticMarket.POSITIVE.get(0).replace("{name}", "Acme Robotics");
    String neg = SyntheticMarket.NEGATIVE.get(0).replace("{name}", "Boulevard Foods");
    List<NewsItem> news = List.of(
        new NewsItem("a", after, List.of("ACMR"), pos, "", "", List.of(), null, ""),
        new NewsItem("b", after, List.of("BLVD"), neg, "", "", List.of(), null, ""));
    SyntheticMarket.Market m = new SyntheticMarket.Market(new Prices(bars), news);
    StrategySettings s = new StrategySettings(Rebalance.DAILY, 3, 1, 0, Weighting.EQUAL, false, 1.0, 0.1, 1, 2, List.of(), 0);
    BacktestResult r = run(m, news, s, NO_COSTS);
    Trade first = r.trades().get(0);
    assertEquals(days[2], first.date(), "news after Friday's close trades on Monday");
    assertEquals(120, r.trades().stream().filter(t -> t.symbol().equals("ACMR")).findFirst().get().price(), 0);
    // sized on the last known close (Friday 110): 0.5 * 100000 / 110 = 454 shares
    assertEquals(454, r.trades().stream().filter(t -> t.symbol().equals("ACMR")).findFirst().get().quantity());
    // equity at Monday's close: 454 shares bought at 120 marked at 130, short BLVD flat at 50
    assertEquals(100_000 + 454 * 10, r.equity().get(2).equity(), 1e-6);
    assertEquals(100_000, r.equity().get(1).equity(), 1e-6); // nothing on Friday: the news came after its close
  }

  @Test
  void fillAtCloseWaitsForTheCloseAfterTheNews() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.generate(SyntheticMarket.Spec.defaults().withSessions(40));
    BacktestResult r = run(m, m.news(), StrategySettings.defaults(), NO_COSTS.withFill(Fill.CLOSE));
    Timeline tl = new Timeline(m.prices().dates(), Timeline.NEW_YORK, Fill.CLOSE);
    for (Trade t : r.trades()) {
      assertEquals(tl.close(tl.dates().indexOf(t.date())), t.time());
    }
    assertTrue(!r.trades().isEmpty());
    Map<String, Double> unused = r.metrics();
    assertTrue(unused.containsKey("sharpe_ratio"));
  }
}
