package io.finbert4j.trading;

import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.Prices;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The daily event loop. For each session: admit what is known strictly before its fill ({@link History},
 * {@link Timeline}); ask the strategy; turn target weights into integer share orders, sized on the last known close
 * and filled at this session's open (or close) with slippage and fees; mark to market at the close. Symbols without
 * a bar on a session cannot fill there (the order is dropped and noted).
 */
public final class Backtester {
  private Backtester() {}

  public static BacktestResult run(Prices prices, List<ScoredItem> news, SentimentLabels labels, Strategy strategy,
      BacktestConfig cfg) {
    Timeline timeline = new Timeline(prices.dates(), cfg.zone(), cfg.fill());
    List<ScoredItem> sorted = new ArrayList<>(news);
    sorted.sort(Comparator.comparing((ScoredItem s) -> s.item().available()).thenComparing(s -> s.item().id()));
    History history = new History(timeline, prices, sorted, labels);
    Map<String, Map<LocalDate, Bar>> barOn = new HashMap<>();
    for (String s : prices.symbols()) {
      Map<LocalDate, Bar> m = new HashMap<>();
      for (Bar b : prices.bars(s)) {
        m.put(b.date(), b);
      }
      barOn.put(s, m);
    }
    int start = 0;
    while (start < timeline.size() && cfg.from() != null && timeline.date(start).isBefore(cfg.from())) {
      start++;
    }
    int end = timeline.size();
    while (end > start && cfg.to() != null && timeline.date(end - 1).isAfter(cfg.to())) {
      end--;
    }
    if (end <= start) {
      throw new IllegalArgumentException("no sessions between " + cfg.from() + " and " + cfg.to()
          + " (prices cover " + prices.dates().first() + " to " + prices.dates().last() + ")");
    }
    String benchSym = cfg.benchmark();
    if (benchSym != null && !prices.symbols().contains(benchSym)) {
      throw new IllegalArgumentException("--benchmark " + benchSym + " has no prices (symbols: "
          + String.join(", ", prices.symbols()) + ")");
    }
    double cash = cfg.capital();
    Map<String, Long> shares = new TreeMap<>();
    Map<String, Double> avgCost = new HashMap<>();
    Map<String, Double> mark = new HashMap<>();
    List<EquityPoint> points = new ArrayList<>();
    List<Trade> trades = new ArrayList<>();
    List<BacktestResult.DatedSignal> signals = new ArrayList<>();
    List<Double> realized = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, double[]> positions = new TreeMap<>();
    for (String s : prices.symbols()) {
      positions.put(s, new double[end - start]);
    }
    double totalFees = 0;
    Map<String, Double> benchBase = new HashMap<>();
    LocalDate first = timeline.date(start);
    for (String s : benchSym != null ? List.of(benchSym) : prices.symbols()) {
      Bar b = barOn.get(s).get(first);
      if (b != null) {
        benchBase.put(s, b.open());
      }
    }
    Map<String, Double> benchMark = new HashMap<>();
    for (int i = start; i < end; i++) {
      LocalDate date = timeline.date(i);
      Instant fillAt = timeline.fillInstant(i);
      history.advanceTo(i);
      double known = cash;
      for (Map.Entry<String, Long> e : shares.entrySet()) {
        double px = history.lastClose(e.getKey());
        known += e.getValue() * (Double.isNaN(px) ? mark.getOrDefault(e.getKey(), 0.0) : px);
      }
      PastView view = history.view(i, i - start, shares, known);
      Optional<Decision> decision = strategy.decide(view);
      double tradedValue = 0;
      if (decision.isPresent()) {
        Decision d = decision.get();
        for (Decision.Signal sig : d.signals()) {
          signals.add(new BacktestResult.DatedSignal(date, sig));
        }
        TreeSet<String> syms = new TreeSet<>(d.targets().keySet());
        if (d.replaceAll()) {
          shares.forEach((s, q) -> {
            if (q != 0) {
              syms.add(s);
            }
          });
        }
        for (String s : syms) {
          double w = d.targets().getOrDefault(s, 0.0);
          long cur = shares.getOrDefault(s, 0L);
          double sizePx = history.lastClose(s);
          long target;
          if (w == 0) {
            target = 0;
          } else if (Double.isNaN(sizePx)) {
            notes.add(date + " " + s + ": no known price to size the order on; not traded");
            continue;
          } else {
            target = (long) (w * known / sizePx);
          }
          long q = target - cur;
          if (q == 0) {
            continue;
          }
          Bar bar = barOn.get(s) == null ? null : barOn.get(s).get(date);
          if (bar == null) {
            notes.add(date + " " + s + ": no bar this session; order for " + q + " shares not filled");
            continue;
          }
          double px = cfg.costs().fillPrice(q, cfg.fill() == Fill.OPEN ? bar.open() : bar.close());
          double fee = cfg.costs().fee(q, px);
          cash -= q * px + fee;
          totalFees += fee;
          tradedValue += Math.abs(q) * px;
          double pl = Double.NaN;
          double basis = avgCost.getOrDefault(s, 0.0);
          long after = cur + q;
          if (cur != 0 && Long.signum(q) != Long.signum(cur)) {
            long closed = Math.min(Math.abs(q), Math.abs(cur));
            pl = (px - basis) * closed * Long.signum(cur) - fee;
            realized.add(pl);
            if (Long.signum(after) != Long.signum(cur) && after != 0) {
              avgCost.put(s, px);
            }
          } else if (after != 0) {
            avgCost.put(s, (basis * Math.abs(cur) + px * Math.abs(q)) / Math.abs(after));
          }
          if (after == 0) {
            avgCost.remove(s);
          }
          shares.put(s, after);
          String reason = d.reasons().getOrDefault(s, strategy.name());
          trades.add(new Trade(date, fillAt, s, q, px, fee, after, pl, reason));
        }
        shares.values().removeIf(v -> v == 0);
      }
      double equity = cash;
      double gross = 0;
      double netv = 0;
      for (String s : prices.symbols()) {
        Bar b = barOn.get(s).get(date);
        if (b != null) {
          mark.put(s, b.close());
        }
      }
      for (Map.Entry<String, Long> e : shares.entrySet()) {
        double v = e.getValue() * mark.getOrDefault(e.getKey(), 0.0);
        equity += v;
        gross += Math.abs(v);
        netv += v;
      }
      for (Map.Entry<String, Long> e : shares.entrySet()) {
        positions.get(e.getKey())[i - start] = equity != 0 ? e.getValue() * mark.getOrDefault(e.getKey(), 0.0) / equity : 0;
      }
      double bench = 0;
      for (Map.Entry<String, Double> e : benchBase.entrySet()) {
        Bar b = barOn.get(e.getKey()).get(date);
        if (b != null) {
          benchMark.put(e.getKey(), b.close());
        }
        bench += benchMark.getOrDefault(e.getKey(), e.getValue()) / e.getValue();
      }
      bench = benchBase.isEmpty() ? cfg.capital() : cfg.capital() * bench / benchBase.size();
      points.add(new EquityPoint(date, equity, bench, cash, equity != 0 ? gross / equity : 0,
          equity != 0 ? netv / equity : 0, tradedValue));
    }
    int n = points.size();
    double[] eq = new double[n];
    double[] bm = new double[n];
    double[] tr = new double[n];
    double[] gr = new double[n];
    double[] nt = new double[n];
    for (int i = 0; i < n; i++) {
      EquityPoint p = points.get(i);
      eq[i] = p.equity();
      bm[i] = p.benchmark();
      tr[i] = p.traded();
      gr[i] = p.gross();
      nt[i] = p.net();
    }
    Map<String, Double> metrics = Statistics.compute(cfg.capital(), points.stream().map(EquityPoint::date).toList(),
        eq, bm, realized, cfg.riskFree(), totalFees, tr, gr, nt, trades.size());
    return new BacktestResult(strategy.name(), cfg, points, trades, signals, positions, metrics, notes);
  }
}
