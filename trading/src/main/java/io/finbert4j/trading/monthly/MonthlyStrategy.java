package io.finbert4j.trading.monthly;

import io.finbert4j.trading.Aggregate;
import io.finbert4j.trading.Decision;
import io.finbert4j.trading.PastView;
import io.finbert4j.trading.ScoredItem;
import io.finbert4j.trading.SentimentLabels;
import io.finbert4j.trading.Strategy;
import io.finbert4j.trading.StrategyContext;
import io.finbert4j.trading.Weighting;
import io.finbert4j.trading.data.Bar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;

/**
 * What both published monthly algorithms share: the schedule (the n-th session of each month, decided at midnight
 * before it, filling at its open, after a warm-up), the selection (the top N by trailing mean dollar volume, then
 * the one with the highest standard deviation of daily returns over the trailing 365 days), the exp-ramp
 * aggregation and the sizing (long 100 % when aggregated P(positive) > P(negative), else short 25 %; everything
 * else liquidated; no news: flat).
 */
public abstract class MonthlyStrategy implements Strategy {
  protected final MonthlySettings m;
  protected final StrategyContext ctx;

  protected MonthlyStrategy(MonthlySettings m, StrategyContext ctx) {
    this.m = m;
    this.ctx = ctx;
  }

  /** The labels the rule reads: by name, or (published mode) by index as [negative, neutral, positive]. */
  protected SentimentLabels labels(List<String> modelLabels) {
    if (!m.publishedLabelOrder()) {
      return SentimentLabels.of(modelLabels);
    }
    if (modelLabels.size() != 3) {
      throw new IllegalArgumentException("--label-order-as-published needs a 3-label model, got " + modelLabels);
    }
    return new SentimentLabels(modelLabels, modelLabels.get(2), modelLabels.get(0), modelLabels.get(1));
  }

  /** Whether the view's session is the decision session of its month. */
  public boolean isDecisionSession(PastView view) {
    YearMonth ym = YearMonth.from(view.date());
    int n = 1;
    List<LocalDate> past = view.pastSessions();
    for (int i = past.size() - 1; i >= 0 && YearMonth.from(past.get(i)).equals(ym); i--) {
      n++;
    }
    return n == m.sessionOfMonth();
  }

  /** Whether at least {@code warmupDays} calendar days of prices are known. */
  public boolean warmedUp(PastView view) {
    LocalDate first = null;
    for (String s : view.universe()) {
      List<Bar> b = view.bars(s);
      if (!b.isEmpty() && (first == null || b.get(0).date().isBefore(first))) {
        first = b.get(0).date();
      }
    }
    return first != null && !first.plusDays(m.warmupDays()).isAfter(view.date());
  }

  /** One candidate of the selection. */
  public record Candidate(String symbol, double dollarVolume, double volatility) {}

  /** The universe (top N by dollar volume, in that order) with each one's volatility. */
  public List<Candidate> universe(PastView view) {
    List<Candidate> all = new ArrayList<>();
    for (String s : view.universe()) {
      List<Bar> b = view.bars(s);
      if (b.isEmpty()) {
        continue;
      }
      List<Bar> tail = b.subList(Math.max(0, b.size() - m.volumeWindow()), b.size());
      double dv = tail.stream().mapToDouble(x -> x.close() * x.volume()).average().orElse(0);
      LocalDate from = view.date().minusDays(m.volatilityDays());
      List<Double> rets = new ArrayList<>();
      for (int i = 1; i < b.size(); i++) {
        if (b.get(i - 1).date().isAfter(from)) {
          rets.add(b.get(i).close() / b.get(i - 1).close() - 1);
        }
      }
      double vol = rets.size() >= 2
          ? new StandardDeviation().evaluate(rets.stream().mapToDouble(Double::doubleValue).toArray()) : 0;
      all.add(new Candidate(s, dv, vol));
    }
    all.sort(Comparator.comparingDouble(Candidate::dollarVolume).reversed().thenComparing(Candidate::symbol));
    return all.subList(0, Math.min(m.universeSize(), all.size()));
  }

  /** The asset of the month: the most volatile of the universe (null when there is none). */
  public Candidate select(PastView view) {
    return universe(view).stream().max(Comparator.comparingDouble(Candidate::volatility)
        .thenComparing(Candidate::symbol, Comparator.reverseOrder())).orElse(null);
  }

  /** News about {@code symbol} available in [cutoff − days, cutoff), oldest first. */
  protected static List<ScoredItem> window(PastView view, String symbol, Instant cutoff, int days) {
    List<ScoredItem> out = new ArrayList<>();
    for (ScoredItem it : view.news(symbol, cutoff.minus(Duration.ofDays(days)))) {
      if (it.item().available().isBefore(cutoff)) {
        out.add(it);
      }
    }
    return out;
  }

  @Override
  public final Optional<Decision> decide(PastView view) {
    if (!isDecisionSession(view) || !warmedUp(view)) {
      return Optional.empty();
    }
    Candidate c = select(view);
    if (c == null) {
      return Optional.of(new Decision(Map.of(), true, Map.of(), List.of()));
    }
    return Optional.of(decideFor(view, c, view.midnight()));
  }

  /** This month's decision for the selected asset, with information strictly before {@code cutoff} (midnight). */
  protected abstract Decision decideFor(PastView view, Candidate selected, Instant cutoff);

  /** The published sizing on an aggregate of scored items (probabilities keyed by the model's label names). */
  protected Decision position(Candidate c, List<ScoredItem> scored, Instant cutoff, SentimentLabels labels,
      String extra) {
    String sel = String.format(Locale.ROOT, "selected %s (dollar volume %.0f, volatility %.4f)", c.symbol(),
        c.dollarVolume(), c.volatility());
    if (scored.isEmpty()) {
      String why = sel + "; no news: flat" + extra;
      return new Decision(Map.of(), true, Map.of(c.symbol(), why),
          List.of(new Decision.Signal(c.symbol(), null, 0, why)));
    }
    Aggregate a = Aggregate.of(c.symbol(), scored, cutoff, Weighting.EXP_RAMP, labels);
    boolean up = a.p(labels.positive()) > a.p(labels.negative());
    double w = up ? m.longWeight() : -m.shortWeight();
    String why = String.format(Locale.ROOT, "%s; %d items, P(%s) %.3f %s P(%s) %.3f: %s%s", sel, a.items(),
        labels.positive(), a.p(labels.positive()), up ? ">" : "<=", labels.negative(), a.p(labels.negative()),
        up ? "long" : "short", extra);
    return new Decision(Map.of(c.symbol(), w), true, Map.of(c.symbol(), why),
        List.of(new Decision.Signal(c.symbol(), a, w, why)));
  }
}
