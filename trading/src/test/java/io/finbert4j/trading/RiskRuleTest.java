package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskRuleTest {
  static final LocalDate D0 = LocalDate.of(2024, 4, 1); // Monday

  static Instant after(int day) {
    return ZonedDateTime.of(D0.plusDays(day).atTime(16, 30), Timeline.NEW_YORK).toInstant();
  }

  static NewsItem item(String id, int day, String sym, String text, List<String> tags) {
    return new NewsItem(id, after(day), List.of(sym), text, "", "", tags, null, "");
  }

  static BacktestResult run(List<NewsItem> news, StrategySettings s) throws Exception {
    List<Bar> bars = new ArrayList<>();
    for (int i = -3; i < 5; i++) { // Friday 29 Mar (history before the backtest) to Friday 5 Apr
      if (i == -2 || i == -1) {
        continue;
      }
      bars.add(new Bar(D0.plusDays(i), "ACMR", 100, 100, 100, 100, 1000, Double.NaN, ""));
      bars.add(new Bar(D0.plusDays(i), "BLVD", 50, 50, 50, 50, 1000, Double.NaN, ""));
    }
    return NoLookAheadTest.run(new SyntheticMarket.Market(new Prices(bars), news), news, s,
        NoLookAheadTest.NO_COSTS.withRange(D0, null));
  }

  static StrategySettings monthly(List<String> tags, int cooldown) {
    return new StrategySettings(Rebalance.MONTHLY, 3, 1, 0, Weighting.EQUAL, false, 1.0, 0.1, 1, 0.9, tags, cooldown);
  }

  final String good = SyntheticMarket.POSITIVE.get(0).replace("{name}", "Acme Robotics");
  final String flat = SyntheticMarket.NEUTRAL.get(0).replace("{name}", "Boulevard Foods");
  final String probe = SyntheticMarket.NEGATIVE.get(6).replace("{name}", "Acme Robotics");
  final String bad = SyntheticMarket.NEGATIVE.get(0).replace("{name}", "Acme Robotics");

  @Test
  void liquidatesAtTheNextOpenWithReasonAndHeadline() throws Exception {
    // Sunday-evening style: news the day before the first session, so the monthly rebalance on Apr 1 sees it
    List<NewsItem> news = List.of(item("a", -1, "ACMR", good, List.of()), item("b", -1, "BLVD", flat, List.of()),
        item("c", 1, "ACMR", probe, List.of("regulatory")));
    BacktestResult r = run(news, monthly(List.of("regulatory", "sec", "lawsuit"), 0));
    List<Trade> acmr = r.trades().stream().filter(t -> t.symbol().equals("ACMR")).toList();
    assertEquals(2, acmr.size(), r.trades().toString());
    assertEquals(D0, acmr.get(0).date());
    assertTrue(acmr.get(0).quantity() > 0);
    assertEquals(D0.plusDays(2), acmr.get(1).date(), "the item came after Tuesday's close: out at Wednesday's open");
    assertEquals(0, acmr.get(1).positionAfter());
    assertTrue(acmr.get(1).reason().startsWith("risk: P(negative) 0.920") && acmr.get(1).reason().contains(probe),
        acmr.get(1).reason());
  }

  @Test
  void tagsFilterTheTrigger() throws Exception {
    List<NewsItem> news = List.of(item("a", -1, "ACMR", good, List.of()), item("b", -1, "BLVD", flat, List.of()),
        item("c", 1, "ACMR", bad, List.of()));
    BacktestResult r = run(news, monthly(List.of("regulatory"), 0));
    assertEquals(1, r.trades().stream().filter(t -> t.symbol().equals("ACMR")).count(), "untagged item: kept");
    BacktestResult any = run(news, monthly(List.of(), 0));
    assertEquals(2, any.trades().stream().filter(t -> t.symbol().equals("ACMR")).count(), "no tag filter: out");
  }

  @Test
  void coolDownKeepsTheSymbolFlat() throws Exception {
    StrategySettings daily = new StrategySettings(Rebalance.DAILY, 10, 1, 0, Weighting.EQUAL, false, 1.0, 0.1, 1, 0.9,
        List.of(), 2);
    List<NewsItem> news = new ArrayList<>(List.of(item("a", -1, "ACMR", good, List.of()),
        item("b", -1, "BLVD", flat, List.of()), item("c", 0, "ACMR", probe, List.of())));
    for (int d = 1; d < 4; d++) {
      news.add(item("g" + d, d, "ACMR", good, List.of()));
      news.add(item("g" + d + "x", d, "ACMR", good, List.of()));
      news.add(item("g" + d + "y", d, "ACMR", good, List.of()));
    }
    BacktestResult r = run(news, daily);
    List<Trade> acmr = r.trades().stream().filter(t -> t.symbol().equals("ACMR")).toList();
    assertEquals(D0.plusDays(1), acmr.get(1).date()); // liquidated Tuesday (session 1)
    assertTrue(acmr.size() >= 3, acmr.toString());
    assertEquals(D0.plusDays(4), acmr.get(2).date(), "blocked for sessions 1..3, back on Friday (session 4)");
  }
}
