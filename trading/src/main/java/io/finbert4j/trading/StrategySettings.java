package io.finbert4j.trading;

import java.util.List;

/**
 * The knobs shared by the built-in strategies (each CLI option in brackets; defaults are for daily news).
 *
 * @param rebalance [--rebalance] default daily
 * @param lookbackDays [--lookback-days] the window of news aggregated at each decision, default 1 day (24 h)
 * @param top [--top] how many symbols to long and to short; 0 with {@code topPercent} instead
 * @param topPercent [--top-percent] long the top q % and short the bottom q % (used when top is 0)
 * @param weighting [--weighting] item weighting inside the window, default equal
 * @param scoreWeights [--weights score] score-proportional instead of equal weights
 * @param grossLimit [--gross] gross exposure (sum of |weights|), default 1.0
 * @param netLimit [--net] largest |net exposure| allowed, default 0.1
 * @param minItems [--min-items] symbols with fewer items in the window stay flat, default 1
 * @param riskThreshold [--risk-threshold] liquidate on an item with P(negative) at or above it (default 0.9; > 1 = off)
 * @param riskTags [--risk-tags] only items with one of these tags trigger the risk rule (empty = any item)
 * @param riskCooldownSessions [--risk-cooldown] sessions before a liquidated symbol may be held again, default 0
 */
public record StrategySettings(Rebalance rebalance, double lookbackDays, int top, double topPercent,
    Weighting weighting, boolean scoreWeights, double grossLimit, double netLimit, int minItems,
    double riskThreshold, List<String> riskTags, int riskCooldownSessions) {
  public static StrategySettings defaults() {
    return new StrategySettings(Rebalance.DAILY, 1, 1, 0, Weighting.EQUAL, false, 1.0, 0.1, 1, 0.9, List.of(), 0);
  }

  public StrategySettings {
    riskTags = List.copyOf(riskTags);
    if (!(lookbackDays > 0)) {
      throw new IllegalArgumentException("--lookback-days must be > 0, got " + lookbackDays);
    }
    if (top < 0 || (top == 0 && !(topPercent > 0 && topPercent <= 50))) {
      throw new IllegalArgumentException("--top must be >= 1, or --top-percent in (0, 50], got top " + top
          + ", percent " + topPercent);
    }
    if (!(grossLimit > 0) || !(netLimit >= 0)) {
      throw new IllegalArgumentException("--gross must be > 0 and --net >= 0");
    }
    if (minItems < 1) {
      throw new IllegalArgumentException("--min-items must be >= 1, got " + minItems);
    }
    if (!(riskThreshold >= 0)) {
      throw new IllegalArgumentException("--risk-threshold must be >= 0, got " + riskThreshold);
    }
    if (riskCooldownSessions < 0) {
      throw new IllegalArgumentException("--risk-cooldown must be >= 0");
    }
  }
}
