package io.finbert4j.trading;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The long-short portfolio of the most positive and most negative news ({@code --strategy long-short}). On each
 * rebalance session: aggregate every symbol's news of the look-back window ending at the decision
 * ({@link Aggregate}); symbols with fewer than {@code minItems} items (or no known price) are flat; rank the rest by
 * score; long the top k (or top q %), short the bottom k, never the same symbol twice (k is at most half the ranked
 * symbols); equal weights {@code ±gross/(2k)} or weights proportional to |score| on each side; then the net limit
 * scales the heavier side down.
 */
public final class LongShortStrategy implements Strategy {
  public static final String NAME = "long-short";
  private final StrategySettings s;

  public LongShortStrategy(StrategySettings settings, StrategyContext context) {
    this.s = settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<Decision> decide(PastView view) {
    if (!s.rebalance().isRebalanceDay(view.date(), view.pastSessions())) {
      return Optional.empty();
    }
    Instant from = view.now().minus(Duration.ofMillis(Math.round(s.lookbackDays() * 86_400_000.0)));
    List<Aggregate> ranked = new ArrayList<>();
    Map<String, Aggregate> all = new HashMap<>();
    Map<String, String> notes = new HashMap<>();
    for (String sym : view.universe()) {
      Aggregate a = Aggregate.of(sym, view.news(sym, from), view.now(), s.weighting(), view.labels());
      all.put(sym, a);
      if (a.items() < s.minItems()) {
        notes.put(sym, "flat: " + a.items() + " item(s) < min " + s.minItems());
      } else if (Double.isNaN(view.lastClose(sym))) {
        notes.put(sym, "flat: no known price");
      } else {
        ranked.add(a);
      }
    }
    ranked.sort(Comparator.comparingDouble(Aggregate::score).reversed().thenComparing(Aggregate::symbol));
    int n = ranked.size();
    int k = s.top() > 0 ? s.top() : (int) Math.floor(n * s.topPercent() / 100.0);
    k = Math.min(k, n / 2);
    Map<String, Double> w = new HashMap<>();
    if (k > 0) {
      List<Aggregate> longs = ranked.subList(0, k);
      List<Aggregate> shorts = ranked.subList(n - k, n);
      side(longs, +1, w);
      side(shorts, -1, w);
      double net = w.values().stream().mapToDouble(Double::doubleValue).sum();
      if (Math.abs(net) > s.netLimit()) {
        int heavy = net > 0 ? 1 : -1;
        double heavySum = w.values().stream().filter(v -> Math.signum(v) == heavy).mapToDouble(Math::abs).sum();
        double lightSum = w.values().stream().filter(v -> Math.signum(v) == -heavy).mapToDouble(Math::abs).sum();
        double scale = (lightSum + s.netLimit()) / heavySum;
        w.replaceAll((sym, v) -> Math.signum(v) == heavy ? v * scale : v);
      }
      for (Aggregate a : longs) {
        notes.put(a.symbol(), "long: rank " + (ranked.indexOf(a) + 1) + " of " + n);
      }
      for (Aggregate a : shorts) {
        notes.put(a.symbol(), "short: rank " + (ranked.indexOf(a) + 1) + " of " + n);
      }
    }
    List<Decision.Signal> signals = new ArrayList<>();
    Map<String, String> reasons = new HashMap<>();
    for (String sym : view.universe()) {
      double tw = w.getOrDefault(sym, 0.0);
      String note = notes.getOrDefault(sym, "flat: rank between the sides");
      signals.add(new Decision.Signal(sym, all.get(sym), tw, note));
      reasons.put(sym, String.format(java.util.Locale.ROOT, "%s, score %.3f over %d item(s)", note,
          all.get(sym).score(), all.get(sym).items()));
    }
    return Optional.of(new Decision(w, true, reasons, signals));
  }

  private void side(List<Aggregate> names, int sign, Map<String, Double> w) {
    double half = s.grossLimit() / 2;
    if (!s.scoreWeights()) {
      for (Aggregate a : names) {
        w.put(a.symbol(), sign * half / names.size());
      }
      return;
    }
    double sum = 0;
    for (Aggregate a : names) {
      sum += Math.abs(a.score()) + 1e-12;
    }
    for (Aggregate a : names) {
      w.put(a.symbol(), sign * half * (Math.abs(a.score()) + 1e-12) / sum);
    }
  }
}
