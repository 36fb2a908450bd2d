package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every statistic against a value worked out here with plain loops (no commons-math). */
class StatisticsTest {
  static final double CAP = 1000;
  static final double[] EQ = {1010, 1000, 1030, 1020, 990, 1005, 1040, 1035};
  static final double[] BM = {1005, 1002, 1015, 1010, 1000, 1008, 1020, 1025};
  final List<LocalDate> dates = new ArrayList<>();

  StatisticsTest() {
    LocalDate d = LocalDate.of(2024, 1, 2);
    for (int i = 0; i < EQ.length; i++) {
      dates.add(d.plusDays(i));
    }
  }

  static double[] ret(double[] c) {
    double[] r = new double[c.length];
    double prev = CAP;
    for (int i = 0; i < c.length; i++) {
      r[i] = c[i] / prev - 1;
      prev = c[i];
    }
    return r;
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double var(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  @Test
  void leanDefinitions() {
    double rf = 0.01;
    List<Double> pnl = List.of(30.0, -10.0, 0.0, 25.0);
    Map<String, Double> m = Statistics.compute(CAP, dates, EQ, BM, pnl, rf, 12.5, new double[] {100, 0, 0, 50, 0, 0,
        0, 0}, new double[] {1, 1, 1, 1, 0, 0, 0.5, 0.5}, new double[] {0, 0, 0, 0, 0, 0, 0.5, 0.5}, 6);
    double[] r = ret(EQ);
    double[] b = ret(BM);
    assertEquals(0.035, m.get("total_return"), 1e-12);
    assertEquals(Math.pow(1.035, 365.0 / 7) - 1, m.get("compounding_annual_return"), 1e-9);
    double ap = Math.pow(1 + mean(r), 252) - 1;
    double sd = Math.sqrt(var(r) * 252);
    assertEquals(ap, m.get("annual_return"), 1e-12);
    assertEquals(sd, m.get("annual_standard_deviation"), 1e-12);
    assertEquals((ap - rf) / sd, m.get("sharpe_ratio"), 1e-9);
    List<Double> neg = new ArrayList<>();
    for (double v : r) {
      if (v < 0) {
        neg.add(v);
      }
    }
    double dsd = Math.sqrt(var(neg.stream().mapToDouble(Double::doubleValue).toArray()) * 252);
    assertEquals((ap - rf) / dsd, m.get("sortino_ratio"), 1e-9);
    // drawdown: peak 1030 then 990
    assertEquals(1 - 990.0 / 1030, m.get("max_drawdown"), 1e-12);
    assertEquals(4, m.get("max_drawdown_duration_days"), 0); // from the 1030 peak (day 2) to day 6, recovered on day 6 (1040)
    double cov = 0;
    double mr = mean(r);
    double mb = mean(b);
    for (int i = 0; i < r.length; i++) {
      cov += (r[i] - mr) * (b[i] - mb);
    }
    cov /= r.length - 1;
    double beta = cov / var(b);
    assertEquals(beta, m.get("beta"), 1e-9);
    double bap = Math.pow(1 + mb, 252) - 1;
    assertEquals(ap - (rf + beta * (bap - rf)), m.get("alpha"), 1e-9);
    // LEAN: wins as fractions of the running capital; a zero P&L counts as a loss
    assertEquals(0.5, m.get("win_rate"), 1e-12);
    double avgWin = (30.0 / 1000 + 25.0 / 1020) / 2; // running capital 1000, 1030, 1020, 1020
    double avgLoss = (-10.0 / 1030 + 0.0 / 1020) / 2;
    assertEquals(avgWin / Math.abs(avgLoss), m.get("profit_loss_ratio"), 1e-9);
    assertEquals(12.5, m.get("total_fees"), 0);
    assertEquals((100 / 1010.0 + 50 / 1020.0) / 8, m.get("turnover"), 1e-12);
    assertEquals(5.0 / 8, m.get("average_gross_exposure"), 1e-12);
    assertEquals(0.125, m.get("average_net_exposure"), 1e-12);
    // PSR against an annual Sharpe of 1, LEAN's bias-corrected skewness and excess kurtosis
    int n = r.length;
    double s = Math.sqrt(var(r));
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    for (double v : r) {
      m3 += Math.pow((v - mr) / s, 3);
      m4 += Math.pow((v - mr) / s, 4);
    }
    double skew = n * m3 / ((n - 1.0) * (n - 2.0));
    double kurt = n * (n + 1.0) * m4 / ((n - 1.0) * (n - 2.0) * (n - 3.0)) - 3.0 * (n - 1.0) * (n - 1.0)
        / ((n - 2.0) * (n - 3.0));
    double sr = mr / s;
    double z = (sr - 1 / Math.sqrt(252)) * Math.sqrt(n - 1) / Math.sqrt(1 - skew * sr + (kurt - 1) / 4 * sr * sr);
    assertEquals(phi(z), m.get("probabilistic_sharpe_ratio"), 1e-6);
    assertEquals(0.0 * m2, 0.0);
  }

  /** Standard normal CDF by the Abramowitz-Stegun 7.1.26 erf approximation (error < 1.5e-7). */
  static double phi(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double t = 1 / (1 + 0.3275911 * x);
    double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
        * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }

  @Test
  void feesAreLeans() {
    Costs c = Costs.lean();
    assertEquals(1.0, c.fee(10, 100), 1e-12); // 0.05 -> minimum 1
    assertEquals(5.0, c.fee(-1000, 100), 1e-12); // 0.005 per share
    assertEquals(0.005 * 100 * 0.5, c.fee(100, 0.5), 1e-12); // at most 0.5 % of the value
    assertEquals(2.0, Costs.bps(10).fee(20, 100), 1e-12);
    assertEquals(100.5, Costs.lean().withSlippage(50).fillPrice(5, 100), 1e-12);
    assertEquals(99.5, Costs.lean().withSlippage(50).fillPrice(-5, 100), 1e-12);
  }

  @Test
  void expRampIsThePlatformsWeighting() {
    java.time.Instant t = java.time.Instant.EPOCH;
    double[] w = Weighting.EXP_RAMP.weights(List.of(t, t, t), t);
    double a = 1;
    double bb = Math.exp(0.5);
    double c = Math.E;
    assertEquals(a / (a + bb + c), w[0], 1e-12);
    assertEquals(c / (a + bb + c), w[2], 1e-12);
    double[] h = Weighting.halfLife(1).weights(List.of(t, t.plusSeconds(86400)), t.plusSeconds(86400));
    assertEquals(0.5 / 1.5, h[0], 1e-12);
  }
}
