package io.finbert4j.trading;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How the items of a look-back window are weighted ({@code --weighting}): {@code equal}; {@code exp-ramp} (the
 * platform's: item i of n, oldest first, weighs {@code exp(i/(n-1))}, i.e. numpy's {@code exp(linspace(0, 1, n))},
 * normalised; one item weighs 1); {@code half-life:H} (an item {@code a} days old at the decision weighs
 * {@code 0.5^(a/H)}, normalised).
 */
public record Weighting(Kind kind, double halfLifeDays) {
  public enum Kind { EQUAL, EXP_RAMP, HALF_LIFE }

  public static final Weighting EQUAL = new Weighting(Kind.EQUAL, 0);
  public static final Weighting EXP_RAMP = new Weighting(Kind.EXP_RAMP, 0);

  public static Weighting halfLife(double days) {
    if (!(days > 0)) {
      throw new IllegalArgumentException("half-life must be > 0 days, got " + days);
    }
    return new Weighting(Kind.HALF_LIFE, days);
  }

  /** {@code equal}, {@code exp-ramp}, {@code half-life:H} (H in days, e.g. {@code half-life:2.5}). */
  public static Weighting parse(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    if (t.equals("equal")) {
      return EQUAL;
    }
    if (t.equals("exp-ramp")) {
      return EXP_RAMP;
    }
    if (t.startsWith("half-life")) {
      String v = t.substring("half-life".length()).replaceFirst("^[:= ]", "");
      try {
        return halfLife(Double.parseDouble(v));
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException("--weighting must be equal, exp-ramp or half-life:H (days), got '" + s + "'");
  }

  /** Normalised weights of items (oldest first) available at {@code times}, seen at {@code now}. */
  public double[] weights(List<Instant> times, Instant now) {
    int n = times.size();
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = switch (kind) {
        case EQUAL -> 1;
        case EXP_RAMP -> n == 1 ? 1 : Math.exp((double) i / (n - 1));
        case HALF_LIFE -> Math.pow(0.5, Duration.between(times.get(i), now).toMillis() / 86_400_000.0 / halfLifeDays);
      };
    }
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    for (int i = 0; i < n; i++) {
      w[i] /= sum;
    }
    return w;
  }

  @Override
  public String toString() {
    return switch (kind) {
      case EQUAL -> "equal";
      case EXP_RAMP -> "exp-ramp";
      case HALF_LIFE -> "half-life:" + halfLifeDays;
    };
  }
}
