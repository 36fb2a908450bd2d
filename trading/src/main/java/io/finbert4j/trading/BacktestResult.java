package io.finbert4j.trading;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything a backtest produced.
 *
 * @param positions per symbol, the weight held at each session's close (same order as {@code equity})
 * @param signals every decision's signal rows, with the session date
 * @param notes things the run wants the user to know (unfilled orders, ...)
 */
public record BacktestResult(String strategy, BacktestConfig config, List<EquityPoint> equity, List<Trade> trades,
    List<DatedSignal> signals, Map<String, double[]> positions, Map<String, Double> metrics, List<String> notes) {

  /** A signal row with its decision date. */
  public record DatedSignal(LocalDate date, Decision.Signal signal) {}

  public List<LocalDate> dates() {
    return equity.stream().map(EquityPoint::date).toList();
  }
}
