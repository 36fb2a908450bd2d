package io.finbert4j.trading;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.correlation.Covariance;
import org.apache.commons.math3.stat.descriptive.moment.Kurtosis;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Skewness;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

/**
 * LEAN's portfolio statistics (QuantConnect's {@code PortfolioStatistics}) on daily equity returns, 252 trading days a
 * year. With r the daily returns of the equity curve (the day before the first session counts as the starting
 * capital), b those of the benchmark, rf the annual risk-free rate:
 * <ul>
 *   <li>total return {@code E_end / capital − 1}; compounding annual return {@code (E_end/capital)^(1/years) − 1},
 *       years = calendar days from the first to the last session / 365;
 *   <li>annual performance {@code (1 + mean r)^252 − 1}; annual variance {@code var(r)·252} (sample variance),
 *       annual standard deviation its square root;
 *   <li>Sharpe {@code (annual performance − rf) / annual std}; Sortino the same over the annualised sample standard
 *       deviation of the negative daily returns only;
 *   <li>probabilistic Sharpe ratio against a Sharpe of 1 a year ({@code SR* = 1/√252} daily):
 *       {@code Φ((SR − SR*)·√(n−1) / √(1 − skew·SR + (kurt − 1)/4 · SR²))} with SR = mean r / std r and LEAN's
 *       (bias-corrected, excess) skewness and kurtosis;
 *   <li>maximum drawdown {@code max(1 − E_t / max_{s≤t} E_s)}, and its longest duration: from a peak to the session
 *       that regains it (or to the end), in calendar days and in sessions;
 *   <li>beta {@code cov(r, b) / var(b)}, alpha {@code annual performance − (rf + beta·(benchmark annual performance − rf))};
 *   <li>win rate and profit-loss ratio from the realised P&amp;L of the fills that closed positions (LEAN: each P&amp;L
 *       as a fraction of the running capital; a zero P&amp;L counts as a loss);
 *   <li>turnover: mean over sessions of traded value / equity; exposure: mean gross and net exposure.
 * </ul>
 */
public final class Statistics {
  public static final int TRADING_DAYS = 252;

  private Statistics() {}

  /**
   * @param equity equity at each session's close (dates.size() values)
   * @param benchmark benchmark value at each close, starting from {@code capital} the day before
   * @param realized realised P&amp;L of closing fills, chronological
   */
  public static Map<String, Double> compute(double capital, List<LocalDate> dates, double[] equity,
      double[] benchmark, List<Double> realized, double riskFree, double totalFees, double[] traded, double[] gross,
      double[] net, int trades) {
    Map<String, Double> m = new LinkedHashMap<>();
    int n = equity.length;
    double[] r = returns(capital, equity);
    double[] b = returns(capital, benchmark);
    double end = n == 0 ? capital : equity[n - 1];
    m.put("start_equity", capital);
    m.put("end_equity", end);
    m.put("total_return", end / capital - 1);
    double years = n == 0 ? 0 : ChronoUnit.DAYS.between(dates.get(0), dates.get(n - 1)) / 365.0;
    m.put("compounding_annual_return", years > 0 ? Math.pow(end / capital, 1 / years) - 1 : 0);
    double annualPerf = annualPerformance(r);
    double benchAnnual = annualPerformance(b);
    double var = r.length >= 2 ? new Variance().evaluate(r) : 0;
    double annualVar = var * TRADING_DAYS;
    double annualStd = Math.sqrt(annualVar);
    m.put("annual_return", annualPerf);
    m.put("annual_variance", annualVar);
    m.put("annual_standard_deviation", annualStd);
    m.put("sharpe_ratio", annualStd == 0 ? 0 : (annualPerf - riskFree) / annualStd);
    double[] down = java.util.Arrays.stream(r).filter(x -> x < 0).toArray();
    double downStd = down.length >= 2 ? Math.sqrt(new Variance().evaluate(down) * TRADING_DAYS) : 0;
    m.put("annual_downside_deviation", downStd);
    m.put("sortino_ratio", downStd == 0 ? 0 : (annualPerf - riskFree) / downStd);
    m.put("probabilistic_sharpe_ratio", probabilisticSharpe(r, 1.0 / Math.sqrt(TRADING_DAYS)));
    double[] dd = drawdown(dates, equity, capital);
    m.put("max_drawdown", dd[0]);
    m.put("max_drawdown_duration_days", dd[1]);
    m.put("max_drawdown_duration_sessions", dd[2]);
    double bvar = b.length >= 2 ? new Variance().evaluate(b) : 0;
    double beta = bvar == 0 || Double.isNaN(bvar) ? 0 : new Covariance().covariance(r, b) / bvar;
    m.put("beta", beta);
    m.put("alpha", beta == 0 ? 0 : annualPerf - (riskFree + beta * (benchAnnual - riskFree)));
    m.put("benchmark_total_return", n == 0 ? 0 : benchmark[n - 1] / capital - 1);
    m.put("benchmark_annual_return", benchAnnual);
    double running = capital;
    double winSum = 0;
    double lossSum = 0;
    int wins = 0;
    int losses = 0;
    for (double pl : realized) {
      if (pl > 0) {
        winSum += pl / running;
        wins++;
      } else {
        lossSum += pl / running;
        losses++;
      }
      running += pl;
    }
    double avgWin = wins == 0 ? 0 : winSum / wins;
    double avgLoss = losses == 0 ? 0 : lossSum / losses;
    m.put("closed_trades", (double) realized.size());
    m.put("win_rate", realized.isEmpty() ? 0 : (double) wins / realized.size());
    m.put("loss_rate", realized.isEmpty() ? 0 : (double) losses / realized.size());
    m.put("average_win", avgWin);
    m.put("average_loss", avgLoss);
    m.put("profit_loss_ratio", avgLoss == 0 ? 0 : avgWin / Math.abs(avgLoss));
    m.put("total_fees", totalFees);
    m.put("total_trades", (double) trades);
    double turn = 0;
    double g = 0;
    double nt = 0;
    int inMarket = 0;
    for (int i = 0; i < n; i++) {
      turn += equity[i] != 0 ? traded[i] / equity[i] : 0;
      g += gross[i];
      nt += net[i];
      if (gross[i] > 0) {
        inMarket++;
      }
    }
    m.put("turnover", n == 0 ? 0 : turn / n);
    m.put("average_gross_exposure", n == 0 ? 0 : g / n);
    m.put("average_net_exposure", n == 0 ? 0 : nt / n);
    m.put("time_in_market", n == 0 ? 0 : (double) inMarket / n);
    m.put("sessions", (double) n);
    return m;
  }

  /** Daily returns of a curve that starts from {@code start} the day before its first value. */
  public static double[] returns(double start, double[] curve) {
    double[] r = new double[curve.length];
    double prev = start;
    for (int i = 0; i < curve.length; i++) {
      r[i] = prev == 0 ? 0 : curve[i] / prev - 1;
      prev = curve[i];
    }
    return r;
  }

  /** {@code (1 + mean r)^252 − 1}. */
  public static double annualPerformance(double[] r) {
    return r.length == 0 ? 0 : Math.pow(1 + new Mean().evaluate(r), TRADING_DAYS) - 1;
  }

  /** LEAN's probabilistic Sharpe ratio of daily returns against the daily benchmark Sharpe {@code srStar}. */
  public static double probabilisticSharpe(double[] r, double srStar) {
    if (r.length < 4) {
      return 0;
    }
    double std = Math.sqrt(new Variance().evaluate(r));
    if (std == 0) {
      return 0;
    }
    double sr = new Mean().evaluate(r) / std;
    double skew = new Skewness().evaluate(r);
    double kurt = new Kurtosis().evaluate(r);
    double den = 1 - skew * sr + (kurt - 1) / 4 * sr * sr;
    if (!(den > 0)) {
      return 0;
    }
    return new NormalDistribution().cumulativeProbability((sr - srStar) * Math.sqrt(r.length - 1) / Math.sqrt(den));
  }

  /** {max drawdown, longest underwater calendar days, longest underwater sessions}. */
  static double[] drawdown(List<LocalDate> dates, double[] equity, double capital) {
    double peak = capital;
    int peakIdx = -1;
    boolean under = false;
    double maxDd = 0;
    double longestDays = 0;
    double longestSessions = 0;
    for (int i = 0; i < equity.length; i++) {
      if (equity[i] >= peak) {
        if (under) { // recovered: the drawdown lasted from the peak to this session
          longestDays = Math.max(longestDays, ChronoUnit.DAYS.between(peakDate(dates, peakIdx), dates.get(i)));
          longestSessions = Math.max(longestSessions, i - peakIdx);
          under = false;
        }
        peak = equity[i];
        peakIdx = i;
      } else {
        under = true;
        maxDd = Math.max(maxDd, 1 - equity[i] / peak);
      }
    }
    if (under) { // still below the peak at the end
      int last = equity.length - 1;
      longestDays = Math.max(longestDays, ChronoUnit.DAYS.between(peakDate(dates, peakIdx), dates.get(last)));
      longestSessions = Math.max(longestSessions, last - peakIdx);
    }
    return new double[] {maxDd, longestDays, longestSessions};
  }

  private static LocalDate peakDate(List<LocalDate> dates, int peakIdx) {
    return peakIdx < 0 ? dates.get(0).minusDays(1) : dates.get(peakIdx);
  }
}
