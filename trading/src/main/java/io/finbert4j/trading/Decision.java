package io.finbert4j.trading;

import java.util.List;
import java.util.Map;

/**
 * A strategy's answer at one session.
 *
 * @param targets target weights (fraction of equity, negative = short) by symbol
 * @param replaceAll true: symbols missing from {@code targets} go flat; false: only the listed symbols change
 * @param reasons why a symbol's position changes (goes to trades.csv), by symbol
 * @param signals what the strategy saw, one row per symbol considered (goes to signals.csv)
 */
public record Decision(Map<String, Double> targets, boolean replaceAll, Map<String, String> reasons,
    List<Signal> signals) {
  public Decision {
    targets = Map.copyOf(targets);
    reasons = Map.copyOf(reasons);
    signals = List.copyOf(signals);
  }

  /** One row of signals.csv. */
  public record Signal(String symbol, Aggregate aggregate, double targetWeight, String note) {}
}
