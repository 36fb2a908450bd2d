package io.finbert4j.trading;

import java.time.LocalDate;
import java.time.ZoneId;

/**
 * The backtest's settings (CLI option in brackets).
 *
 * @param capital [--capital] starting cash, default 100,000
 * @param fill [--fill] open (default) or close
 * @param zone [--exchange-zone] default America/New_York
 * @param costs [--cost-bps, --slippage-bps] default LEAN's equity fees, no slippage
 * @param riskFree [--risk-free] annual risk-free rate, default 0
 * @param benchmark [--benchmark] a symbol, or null for the equal-weight buy-and-hold of the universe
 * @param from [--from] first session (inclusive), null = the first date of the prices
 * @param to [--to] last session (inclusive), null = the last date
 */
public record BacktestConfig(double capital, Fill fill, ZoneId zone, Costs costs, double riskFree, String benchmark,
    LocalDate from, LocalDate to) {
  public static BacktestConfig defaults() {
    return new BacktestConfig(100_000, Fill.OPEN, Timeline.NEW_YORK, Costs.lean(), 0, null, null, null);
  }

  public BacktestConfig {
    if (!(capital > 0)) {
      throw new IllegalArgumentException("--capital must be > 0, got " + capital);
    }
    if (costs.slippageBps() < 0 || costs.costBps() < 0) {
      throw new IllegalArgumentException("--cost-bps and --slippage-bps must be >= 0");
    }
  }

  public BacktestConfig withFill(Fill f) {
    return new BacktestConfig(capital, f, zone, costs, riskFree, benchmark, from, to);
  }

  public BacktestConfig withCosts(Costs c) {
    return new BacktestConfig(capital, fill, zone, c, riskFree, benchmark, from, to);
  }

  public BacktestConfig withRange(LocalDate f, LocalDate t) {
    return new BacktestConfig(capital, fill, zone, costs, riskFree, benchmark, f, t);
  }

  public BacktestConfig withBenchmark(String b) {
    return new BacktestConfig(capital, fill, zone, costs, riskFree, b, from, to);
  }
}
