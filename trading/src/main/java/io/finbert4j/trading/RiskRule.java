package io.finbert4j.trading;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The risk rule, attachable to any strategy: when an item about a long holding (held, or about to be bought) arrives with
 * {@code P(negative) >= threshold} — optionally only items with one of the risk tags — the symbol is liquidated at
 * the next fill opportunity (this decision's fill) and kept flat for the cool-down sessions after it. The reason
 * and the headline go to trades.csv. Short positions are left alone: extremely negative news is what a short wants.
 */
public final class RiskRule implements Strategy {
  private final Strategy inner;
  private final double threshold;
  private final Set<String> tags = new HashSet<>();
  private final int cooldown;
  private Instant lastSeen;
  private final Map<String, Integer> blockedThrough = new HashMap<>();
  private final Map<String, String> blockReason = new HashMap<>();

  public RiskRule(Strategy inner, StrategySettings s) {
    this.inner = inner;
    this.threshold = s.riskThreshold();
    for (String t : s.riskTags()) {
      tags.add(t.toLowerCase(Locale.ROOT));
    }
    this.cooldown = s.riskCooldownSessions();
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Map<String, Object> report() {
    return inner.report();
  }

  public Strategy inner() {
    return inner;
  }

  @Override
  public Optional<Decision> decide(PastView view) {
    Optional<Decision> d = inner.decide(view);
    Instant from = lastSeen != null ? lastSeen : view.now().minus(Duration.ofDays(1));
    lastSeen = view.now();
    Set<String> exposed = new HashSet<>();
    view.shares().forEach((sym, q) -> {
      if (q > 0) {
        exposed.add(sym);
      }
    });
    d.ifPresent(dec -> dec.targets().forEach((sym, w) -> {
      if (w > 0) {
        exposed.add(sym);
      }
    }));
    Map<String, String> liquidate = new HashMap<>();
    for (String sym : exposed) {
      for (ScoredItem it : view.news(sym, from)) {
        double pn = it.p(view.labels().negative());
        if (pn >= threshold && tagged(it)) {
          String head = it.item().title().isEmpty() ? it.item().description() : it.item().title();
          String why = String.format(Locale.ROOT, "risk: P(negative) %.3f >= %.3f at %s: %s", pn, threshold,
              it.item().available(), head);
          liquidate.put(sym, why);
          blockedThrough.put(sym, view.sessionNumber() + cooldown);
          blockReason.put(sym, why);
        }
      }
      Integer until = blockedThrough.get(sym);
      if (!liquidate.containsKey(sym) && until != null && view.sessionNumber() <= until) {
        liquidate.put(sym, "risk cool-down until session " + until + " after " + blockReason.get(sym));
      }
    }
    if (liquidate.isEmpty()) {
      return d;
    }
    Map<String, Double> targets = new HashMap<>(d.map(Decision::targets).orElse(Map.of()));
    Map<String, String> reasons = new HashMap<>(d.map(Decision::reasons).orElse(Map.of()));
    List<Decision.Signal> signals = new ArrayList<>(d.map(Decision::signals).orElse(List.of()));
    liquidate.forEach((sym, why) -> {
      targets.put(sym, 0.0);
      reasons.put(sym, why);
    });
    signals.replaceAll(sig -> liquidate.containsKey(sig.symbol())
        ? new Decision.Signal(sig.symbol(), sig.aggregate(), 0.0, liquidate.get(sig.symbol())) : sig);
    return Optional.of(new Decision(targets, d.map(Decision::replaceAll).orElse(false), reasons, signals));
  }

  private boolean tagged(ScoredItem it) {
    if (tags.isEmpty()) {
      return true;
    }
    for (String t : it.item().tags()) {
      if (tags.contains(t.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
