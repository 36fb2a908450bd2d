package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.score.FinBertScorer;
import io.finbert4j.trading.score.TextScorer;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14's proof: the two published monthly algorithms, rule by rule. */
class MonthlyStrategiesTest {
  @TempDir Path tmp;

  static BacktestRun.Outcome run(String strategy, List<NewsItem> news, Prices prices, TextScorer scorer, Path modelDir,
      Path out, Map<String, String> options, BacktestConfig cfg) throws Exception {
    StrategySettings s = new StrategySettings(Rebalance.DAILY, 1, 1, 0, Weighting.EQUAL, false, 1, 0.1, 1, 2.0,
        List.of(), 0); // the risk rule off, as published
    return BacktestRun.run(new BacktestRun.Request(strategy, s, cfg, news, prices, scorer, modelDir, null,
        TextField.DESCRIPTION, out, options, 1, Map.of()), new PrintWriter(new StringWriter()));
  }

  static final BacktestConfig NO_COSTS = BacktestConfig.defaults().withCosts(Costs.bps(0));

  /**
   * Three symbols over Jan–Mar 2024: HIGH has the largest dollar volume and is calm, MID is second and volatile,
   * LOW has the smallest volume and is the most volatile. With a universe of 2: HIGH and MID; the most volatile of
   * them is MID. News about MID before the March decision: an older negative item, then a newer positive one.
   */
  static Prices handMarket() {
    List<Bar> bars = new ArrayList<>();
    Random r = new Random(5);
    for (LocalDate d = LocalDate.of(2024, 1, 2); d.isBefore(LocalDate.of(2024, 4, 1)); d = d.plusDays(1)) {
      if (d.getDayOfWeek().getValue() > 5) {
        continue;
      }
      bars.add(bar(d, "HIGH", 100 * (1 + 0.001 * r.nextGaussian()), 1_000_000));
      bars.add(bar(d, "MID", 50 * (1 + 0.02 * r.nextGaussian()), 800_000));
      bars.add(bar(d, "LOW", 20 * (1 + 0.05 * r.nextGaussian()), 10_000));
    }
    return new Prices(bars);
  }

  static Bar bar(LocalDate d, String s, double px, double vol) {
    double p = Math.round(px * 10_000) / 10_000.0;
    return new Bar(d, s, p, p, p, p, vol, Double.NaN, "");
  }

  static NewsItem news(String id, String when, String sym, String company, List<String> pool, int t) {
    Instant at = ZonedDateTime.parse(when + "-05:00[America/New_York]").toInstant();
    return new NewsItem(id, at, List.of(sym), pool.get(t).replace("{name}", company), "", "", List.of(), null, "");
  }

  @Test
  void selectionScheduleWeightingAndSizingByHand() throws Exception {
    Prices px = handMarket();
    List<NewsItem> items = List.of(
        news("n1", "2024-02-26T18:00", "MID", "Acme Robotics", SyntheticMarket.NEGATIVE, 0),
        news("n2", "2024-02-29T18:00", "MID", "Acme Robotics", SyntheticMarket.POSITIVE, 0),
        news("n3", "2024-03-01T20:00", "LOW", "Boulevard Foods", SyntheticMarket.NEGATIVE, 1),
        news("n4", "2024-03-04T08:00", "MID", "Acme Robotics", SyntheticMarket.NEGATIVE, 1)); // after midnight: unseen
    Fixtures.Oracle oracle = new Fixtures.Oracle(); // knows the templates with the invented companies' names
    BacktestRun.Outcome o = run("monthly-sentiment", items, px, oracle, null, null, Map.of("universe", "2"), NO_COSTS);
    List<Trade> trades = o.result().trades();
    // Jan: no 30 days of prices yet at Jan 3; Feb 2 (2nd session of Feb): MID selected, no news -> nothing to do;
    // Mar 4 (2nd session of March; Mar 1 is a Friday): MID, items n1 and n2 (n4 came after midnight)
    assertEquals(1, trades.size(), trades.toString());
    Trade t = trades.get(0);
    assertEquals(LocalDate.of(2024, 3, 4), t.date());
    assertEquals("MID", t.symbol());
    // exp-ramp: older negative weighs 1/(1+e), newer positive e/(1+e): P(pos) 0.671 > P(neg) 0.277 -> long 100 %
    double w0 = 1 / (1 + Math.E);
    double pPos = 0.05 * w0 + 0.9 * (1 - w0);
    double pNeg = 0.92 * w0 + 0.04 * (1 - w0);
    assertTrue(pPos > pNeg);
    assertTrue(t.reason().contains(String.format(java.util.Locale.ROOT, "P(positive) %.3f > P(negative) %.3f", pPos,
        pNeg)), t.reason());
    double lastClose = px.bars("MID").stream().filter(b -> b.date().equals(LocalDate.of(2024, 3, 1))).findFirst()
        .get().close();
    assertEquals((long) (100_000 / lastClose), t.quantity(), "100 % of equity, sized on the last known close");
    assertEquals(t.time(), ZonedDateTime.parse("2024-03-04T09:30-05:00[America/New_York]").toInstant());
    // equal weighting would have shorted (0.475 < 0.48): the weighting matters here
    assertTrue((0.9 + 0.05) / 2 < (0.04 + 0.92) / 2);
    // published index order on a [positive, negative, neutral] model reads P(neutral) > P(positive): short 25 %
    BacktestRun.Outcome pub = run("monthly-sentiment", items, px, oracle, null, null,
        Map.of("universe", "2", "label-order", "published"), NO_COSTS);
    Trade tp = pub.result().trades().get(0);
    assertEquals((long) (-0.25 * 100_000 / lastClose), tp.quantity(), tp.reason());
    // with universe 3, LOW (most volatile) is the asset; its only item is negative: short 25 %
    BacktestRun.Outcome all = run("monthly-sentiment", items, px, oracle, null, null, Map.of("universe", "3"), NO_COSTS);
    assertEquals("LOW", all.result().trades().get(0).symbol());
    assertTrue(all.result().trades().get(0).quantity() < 0);
  }

  @Test
  void decisionsOnlyOnTheSecondSessionOfEachMonthAfterWarmUp() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.monthly(3, 4, LocalDate.of(2023, 1, 2), 8, 0.004);
    BacktestRun.Outcome o = run("monthly-sentiment", m.news(), m.prices(), new Fixtures.Oracle(), null, null, Map.of(),
        NO_COSTS);
    List<LocalDate> sessions = new ArrayList<>(m.prices().dates());
    for (Trade t : o.result().trades()) {
      int i = sessions.indexOf(t.date());
      assertTrue(i >= 1 && sessions.get(i - 1).getMonth() == t.date().getMonth()
          && (i < 2 || sessions.get(i - 2).getMonth() != t.date().getMonth()), t.date() + " is not a 2nd session");
      assertTrue(!t.date().isBefore(sessions.get(0).plusDays(30)), "warm-up");
    }
    assertTrue(o.result().trades().size() >= 7, o.result().trades().toString());
  }

  @Test
  void monthlySentimentEarnsOnTrueNewsNotOnShuffled() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.monthly(11, 6, LocalDate.of(2022, 1, 3), 24, 0.004);
    FinBertScorer tiny = FinBertScorer.load(Fixtures.tunedTiny());
    BacktestRun.Outcome real = run("monthly-sentiment", m.news(), m.prices(), tiny, null, null, Map.of(), NO_COSTS);
    BacktestRun.Outcome shuffled = run("monthly-sentiment", SyntheticMarket.shuffleTimes(m.news(), 2), m.prices(), tiny,
        null, null, Map.of(), NO_COSTS);
    double a = real.result().metrics().get("total_return");
    double b = shuffled.result().metrics().get("total_return");
    System.out.printf("monthly-sentiment (tiny): total return true news %.3f, shuffled %.3f%n", a, b);
    assertTrue(a > 0.3, real.result().metrics().toString());
    assertTrue(b < a / 3, shuffled.result().metrics().toString());
  }

  @Test
  void monthlyFinetuneEndToEndObeysTheLabelAndNoLookAheadRules() throws Exception {
    SyntheticMarket.Market m = SyntheticMarket.monthly(13, 4, LocalDate.of(2023, 1, 2), 6, 0.004);
    Path model = Fixtures.tunedTiny();
    FinBertScorer tiny = FinBertScorer.load(model);
    Path out = tmp.resolve("ft");
    BacktestRun.Outcome o = run("monthly-finetune", m.news(), m.prices(), tiny, model, out,
        Map.of("min-samples", "3", "lr", "1e-3"), NO_COSTS);
    List<Path> files;
    try (Stream<Path> s = Files.list(out.resolve("training"))) {
      files = s.sorted().toList();
    }
    assertTrue(files.size() >= 4, files.toString());
    Map<String, Instant> fills = new HashMap<>();
    for (Path f : files) {
      List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
          .parse(Files.newBufferedReader(f)).getRecords();
      int pos = 0;
      int neg = 0;
      int labelledPos = 0;
      int labelledNeg = 0;
      List<Double> rets = new ArrayList<>();
      for (CSVRecord r : rows) {
        Instant decision = Instant.parse(r.get("decision"));
        Instant ws = Instant.parse(r.get("window_start"));
        Instant we = Instant.parse(r.get("window_end"));
        assertTrue(we.isBefore(decision), f + ": a label window reaches past the decision: " + r);
        assertTrue(!ws.isBefore(Instant.parse(r.get("available"))), f + ": window starts before the item: " + r);
        assertTrue(ws.isBefore(we), "empty windows are dropped");
        double ret = Double.parseDouble(r.get("return"));
        rets.add(ret);
        pos += ret > 0 ? 1 : 0;
        neg += ret < 0 ? 1 : 0;
        labelledPos += r.get("label").equals("positive") ? 1 : 0;
        labelledNeg += r.get("label").equals("negative") ? 1 : 0;
        assertEquals(r.get("label"), r.get("model_label"), "class names map onto id2label by name");
        fills.put(r.get("id"), ws);
      }
      assertEquals((int) Math.floor(0.75 * pos), labelledPos, f.toString());
      assertEquals((int) Math.floor(0.75 * neg), labelledNeg, f.toString());
      assertTrue(rows.size() <= 100);
    }
    assertTrue(((Number) o.result().metrics().getOrDefault("sessions", 0.0)).doubleValue() > 100);
    String metrics = Files.readString(out.resolve("metrics.json"));
    assertTrue(metrics.contains("finetune_seconds_total") && metrics.contains("finetune_seconds_by_month"), metrics);
    assertTrue(!o.result().trades().isEmpty());
    // published index order: the class names go to indices [negative, neutral, positive] of a
    // [positive, negative, neutral] model, and P(index 2) > P(index 0) is read: different trades
    BacktestRun.Outcome pub = run("monthly-finetune", m.news(), m.prices(), tiny, model, null,
        Map.of("min-samples", "3", "lr", "1e-3", "label-order", "published"), NO_COSTS);
    assertNotEquals(o.result().trades().stream().map(t -> Long.signum(t.quantity()) + t.symbol() + t.date()).toList(),
        pub.result().trades().stream().map(t -> Long.signum(t.quantity()) + t.symbol() + t.date()).toList());
  }

  @Test
  void labelClassesFollowThePlatformsRule() {
    // returns -3 -2 -1 0 1 2 3 4: 4 positive -> 3 positive labels, 3 negative -> 2 negative labels
    List<io.finbert4j.trading.monthly.MonthlyFinetuneStrategy.Sample> raw = new ArrayList<>();
    double[] rets = {2, -1, 0, 4, -3, 1, 3, -2};
    for (int i = 0; i < rets.length; i++) {
      raw.add(new io.finbert4j.trading.monthly.MonthlyFinetuneStrategy.Sample(null, "t" + i, rets[i], Instant.EPOCH,
          Instant.EPOCH, "neutral"));
    }
    var out = io.finbert4j.trading.monthly.MonthlyFinetuneStrategyAccess.classes(raw, 100);
    Map<Double, String> byRet = new HashMap<>();
    out.forEach(s -> byRet.put(s.ret(), s.label()));
    assertEquals("positive", byRet.get(4.0));
    assertEquals("positive", byRet.get(3.0));
    assertEquals("positive", byRet.get(2.0));
    assertEquals("neutral", byRet.get(1.0));
    assertEquals("neutral", byRet.get(0.0));
    assertEquals("neutral", byRet.get(-1.0));
    assertEquals("negative", byRet.get(-2.0));
    assertEquals("negative", byRet.get(-3.0));
    assertEquals(3, io.finbert4j.trading.monthly.MonthlyFinetuneStrategyAccess.classes(raw, 3).size());
    assertEquals("t7", io.finbert4j.trading.monthly.MonthlyFinetuneStrategyAccess.classes(raw, 3).get(2).text(),
        "the most recent are kept, in time order");
  }
}
