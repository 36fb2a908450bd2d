package io.finbert4j.trading.synthetic;

import io.finbert4j.trading.Timeline;
import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.Prices;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * An invented market for tests and the quickstart: a handful of made-up companies, headlines from templates with a
 * known sentiment, and daily bars in which that sentiment moves the price. SYNTHETIC: no real company, news or price.
 *
 * <p>News about a company comes after the close (16:05–19:55 New York time) on a session; in {@link Plant#NEXT_SESSION}
 * (the default) the next session's open-to-close return carries {@code drift · sentiment} plus noise, so a strategy
 * that buys at the next open can earn it. In {@link Plant#SAME_SESSION_BEFORE_NEWS} the move happens during the
 * session <em>before</em> the headline (the look-ahead trap): an honest backtest earns nothing there.
 */
public final class SyntheticMarket {
  public enum Plant { NEXT_SESSION, SAME_SESSION_BEFORE_NEWS }

  /** The invented companies: ticker and name. */
  public static final List<String[]> COMPANIES = List.of(
      new String[] {"ACMR", "Acme Robotics"}, new String[] {"BLVD", "Boulevard Foods"},
      new String[] {"CRNX", "Cornex Energy"}, new String[] {"DYNQ", "Dynaquill Software"},
      new String[] {"ELVT", "Elevate Pharma"}, new String[] {"FRGH", "Freightholm Logistics"},
      new String[] {"GLMR", "Glimmer Retail"}, new String[] {"HZNB", "Horizon Bancorp"});

  public static final List<String> POSITIVE = List.of(
      "{name} reports record quarterly profit and raises its full-year guidance.",
      "{name} beats analyst estimates as revenue jumps 25 percent.",
      "{name} wins a major long-term supply contract worth 400 million dollars.",
      "{name} announces a large share buyback and increases its dividend.",
      "Operating profit at {name} rose sharply from a year earlier.",
      "{name} shares rally after strong sales growth in every region.",
      "{name} upgraded to buy as margins improve and demand accelerates.",
      "{name} posts better than expected earnings and strong cash flow.");
  public static final List<String> NEGATIVE = List.of(
      "{name} cuts its outlook after a steep drop in quarterly sales.",
      "{name} swings to a loss and warns of weak demand ahead.",
      "{name} shares plunge after the company misses earnings estimates.",
      "{name} suspends its dividend as losses widen.",
      "Operating profit at {name} fell sharply and the company announced layoffs.",
      "{name} downgraded to sell on falling margins and rising debt.",
      "Regulators open an investigation into accounting at {name}.",
      "{name} faces a class action lawsuit after a product recall.");
  public static final List<String> NEUTRAL = List.of(
      "{name} will hold its annual general meeting on Thursday.",
      "{name} appoints a new member to its board of directors.",
      "{name} moves its headquarters to a new office building in the same city.",
      "{name} will publish its quarterly report next month.",
      "{name} changes the name of its logistics subsidiary.",
      "{name} confirms the date of its capital markets day.");
  /** Negative templates that carry a risk tag (for the risk rule). */
  static final Map<Integer, String> NEGATIVE_TAGS = Map.of(6, "regulatory", 7, "lawsuit");

  /** A generated market. */
  public record Market(Prices prices, List<NewsItem> news) {}

  /** Settings; {@link #defaults()}: 6 companies, 130 sessions from 2024-01-02, 45 % news probability, drift 0.6 %, noise 1.2 % a session. */
  public record Spec(long seed, int companies, LocalDate start, int sessions, double newsProbability, double drift,
      double noise, Plant plant) {
    public static Spec defaults() {
      return new Spec(7, 6, LocalDate.of(2024, 1, 2), 130, 0.45, 0.006, 0.012, Plant.NEXT_SESSION);
    }

    public Spec withSeed(long s) {
      return new Spec(s, companies, start, sessions, newsProbability, drift, noise, plant);
    }

    public Spec withPlant(Plant p) {
      return new Spec(seed, companies, start, sessions, newsProbability, drift, noise, p);
    }

    public Spec withSessions(int n) {
      return new Spec(seed, companies, start, n, newsProbability, drift, noise, plant);
    }

    public Spec withCompanies(int n) {
      return new Spec(seed, n, start, sessions, newsProbability, drift, noise, plant);
    }
  }

  private SyntheticMarket() {}

  public static Market generate(Spec spec) {
    if (spec.companies() < 2 || spec.companies() > COMPANIES.size()) {
      throw new IllegalArgumentException("companies must be in [2, " + COMPANIES.size() + "]");
    }
    Random rnd = new Random(spec.seed());
    ZoneId ny = Timeline.NEW_YORK;
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = spec.start(); days.size() < spec.sessions(); d = d.plusDays(1)) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        days.add(d);
      }
    }
    List<Bar> bars = new ArrayList<>();
    List<NewsItem> news = new ArrayList<>();
    int id = 0;
    for (int c = 0; c < spec.companies(); c++) {
      String sym = COMPANIES.get(c)[0];
      String name = COMPANIES.get(c)[1];
      double close = 40 + rnd.nextInt(120);
      double baseVolume = 200_000 + rnd.nextInt(2_000_000);
      int[] sentiment = new int[days.size()];
      for (int i = 0; i < days.size(); i++) {
        if (rnd.nextDouble() < spec.newsProbability()) {
          int kind = rnd.nextInt(3); // 0 positive, 1 negative, 2 neutral
          sentiment[i] = kind == 0 ? 1 : kind == 1 ? -1 : 0;
          List<String> pool = kind == 0 ? POSITIVE : kind == 1 ? NEGATIVE : NEUTRAL;
          int t = rnd.nextInt(pool.size());
          String text = pool.get(t).replace("{name}", name);
          List<String> tags = kind == 1 && NEGATIVE_TAGS.containsKey(t) ? List.of(NEGATIVE_TAGS.get(t)) : List.of();
          LocalTime at = LocalTime.of(16, 5).plusMinutes(10L * rnd.nextInt(24));
          var when = days.get(i).atTime(at).atZone(ny).toInstant();
          String nid = String.format("syn-%05d", id++);
          news.add(new NewsItem(nid, when, List.of(sym), text, "", "Synthetic Wire", tags, when, "synthetic"));
        }
      }
      for (int i = 0; i < days.size(); i++) {
        int planted = switch (spec.plant()) {
          case NEXT_SESSION -> i > 0 ? sentiment[i - 1] : 0;
          case SAME_SESSION_BEFORE_NEWS -> sentiment[i];
        };
        double open = close * (1 + 0.002 * rnd.nextGaussian());
        double ret = spec.drift() * planted + spec.noise() * rnd.nextGaussian();
        double cl = open * (1 + ret);
        double hi = Math.max(open, cl) * (1 + 0.003 * Math.abs(rnd.nextGaussian()));
        double lo = Math.min(open, cl) * (1 - 0.003 * Math.abs(rnd.nextGaussian()));
        long vol = Math.round(baseVolume * (0.7 + 0.6 * rnd.nextDouble()));
        bars.add(new Bar(days.get(i), sym, r4(open), r4(hi), r4(lo), r4(cl), vol, Double.NaN, "synthetic"));
        close = r4(cl);
      }
    }
    news.sort((a, b) -> a.available().compareTo(b.available()) != 0 ? a.available().compareTo(b.available())
        : a.id().compareTo(b.id()));
    return new Market(new Prices(bars), news);
  }

  /**
   * A SYNTHETIC market for the monthly algorithms: {@code companies} invented symbols with different volatility (0.6 %
   * to 2.4 % a session, swapped between symbols every half year) and different volume; each month every symbol gets
   * a drift sign, applied from the month's 2nd session (the decision) to the next month's 2nd session, and the news
   * of the 10 days before that decision announces it (80 % of the items carry the sign, the rest are neutral); older
   * news of the month is neutral-to-mixed.
   */
  public static Market monthly(long seed, int companies, LocalDate start, int months, double dailyDrift) {
    Random rnd = new Random(seed);
    ZoneId ny = Timeline.NEW_YORK;
    List<LocalDate> days = new ArrayList<>();
    LocalDate end = start.plusMonths(months);
    for (LocalDate d = start; d.isBefore(end); d = d.plusDays(1)) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        days.add(d);
      }
    }
    // decision sessions: the 2nd session of each month
    List<Integer> decisions = new ArrayList<>();
    for (int i = 1; i < days.size(); i++) {
      boolean secondOfMonth = days.get(i - 1).getMonth() == days.get(i).getMonth()
          && (i < 2 || days.get(i - 2).getMonth() != days.get(i).getMonth());
      if (secondOfMonth) {
        decisions.add(i);
      }
    }
    List<Bar> bars = new ArrayList<>();
    List<NewsItem> news = new ArrayList<>();
    int id = 0;
    for (int c = 0; c < companies; c++) {
      String sym = COMPANIES.get(c)[0];
      String name = COMPANIES.get(c)[1];
      double close = 30 + rnd.nextInt(150);
      double baseVolume = 100_000 * (1 + c * 2) * (0.8 + 0.4 * rnd.nextDouble());
      int[] sign = new int[decisions.size()];
      for (int k = 0; k < sign.length; k++) {
        sign[k] = rnd.nextBoolean() ? 1 : -1;
        LocalDate dd = days.get(decisions.get(k));
        java.time.Instant midnight = dd.atStartOfDay(ny).toInstant();
        int n = 6 + rnd.nextInt(5);
        for (int j = 0; j < n; j++) { // the 10 days before the decision announce the drift
          long secsBefore = 3600 + (long) (rnd.nextDouble() * (10 * 86400 - 7200));
          java.time.Instant at = midnight.minusSeconds(secsBefore);
          int kind = rnd.nextDouble() < 0.8 ? (sign[k] > 0 ? 0 : 1) : 2;
          news.add(item(String.format("mon-%05d", id++), at, sym, name, kind, rnd));
        }
        for (int j = 0; j < 10; j++) { // older, mixed news of the month
          long secsBefore = 11 * 86400 + (long) (rnd.nextDouble() * 18 * 86400);
          news.add(item(String.format("mon-%05d", id++), midnight.minusSeconds(secsBefore), sym, name,
              rnd.nextInt(3), rnd));
        }
      }
      int k = -1;
      for (int i = 0; i < days.size(); i++) {
        while (k + 1 < decisions.size() && decisions.get(k + 1) <= i) {
          k++;
        }
        int regime = (i / 126 + c) % companies;
        double vol = 0.006 + 0.018 * regime / Math.max(1, companies - 1);
        double drift = k >= 0 ? dailyDrift * sign[k] : 0;
        double open = close * (1 + 0.1 * vol * rnd.nextGaussian());
        double cl = open * (1 + drift + vol * rnd.nextGaussian());
        double hi = Math.max(open, cl) * (1 + 0.2 * vol * Math.abs(rnd.nextGaussian()));
        double lo = Math.min(open, cl) * (1 - 0.2 * vol * Math.abs(rnd.nextGaussian()));
        long v = Math.round(baseVolume * (0.7 + 0.6 * rnd.nextDouble()));
        bars.add(new Bar(days.get(i), sym, r4(open), r4(hi), r4(lo), r4(cl), v, Double.NaN, "synthetic"));
        close = r4(cl);
      }
    }
    news.removeIf(n -> n.available().isBefore(days.get(0).atStartOfDay(ny).toInstant()));
    news.sort((a, b) -> a.available().compareTo(b.available()) != 0 ? a.available().compareTo(b.available())
        : a.id().compareTo(b.id()));
    return new Market(new Prices(bars), news);
  }

  private static NewsItem item(String id, java.time.Instant at, String sym, String name, int kind, Random rnd) {
    List<String> pool = kind == 0 ? POSITIVE : kind == 1 ? NEGATIVE : NEUTRAL;
    int t = rnd.nextInt(pool.size());
    List<String> tags = kind == 1 && NEGATIVE_TAGS.containsKey(t) ? List.of(NEGATIVE_TAGS.get(t)) : List.of();
    return new NewsItem(id, at, List.of(sym), pool.get(t).replace("{name}", name), "", "Synthetic Wire", tags, at,
        "synthetic");
  }

  /** Prices rounded to 1/10000 dollar, as LEAN stores them, so a LEAN-layout round trip is exact. */
  static double r4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  /** Every template filled with every company name, labelled positive / negative / neutral: a training set. */
  public static List<String[]> labelledSentences() {
    List<String[]> out = new ArrayList<>();
    for (String[] c : COMPANIES) {
      for (String t : POSITIVE) {
        out.add(new String[] {t.replace("{name}", c[1]), "positive"});
      }
      for (String t : NEGATIVE) {
        out.add(new String[] {t.replace("{name}", c[1]), "negative"});
      }
      for (String t : NEUTRAL) {
        out.add(new String[] {t.replace("{name}", c[1]), "neutral"});
      }
    }
    return out;
  }

  /** The same items with their availability times permuted among themselves (a control: the signal is destroyed). */
  public static List<NewsItem> shuffleTimes(List<NewsItem> news, long seed) {
    List<java.time.Instant> times = new ArrayList<>(news.stream().map(NewsItem::available).toList());
    java.util.Collections.shuffle(times, new Random(seed));
    List<NewsItem> out = new ArrayList<>();
    for (int i = 0; i < news.size(); i++) {
      out.add(news.get(i).withAvailable(times.get(i)));
    }
    out.sort((a, b) -> a.available().compareTo(b.available()));
    return out;
  }
}
