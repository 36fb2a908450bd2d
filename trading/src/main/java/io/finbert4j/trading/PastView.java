package io.finbert4j.trading;

import io.finbert4j.trading.data.Bar;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a strategy sees at one decision: the past and nothing else. It is built by {@link History}, which only ever
 * holds what {@link Timeline#knownBefore} allowed by then (news available strictly before the fill, bars whose close
 * is strictly before it), and it fixes the lengths at creation, so even a view kept for later cannot grow into the
 * future. All lists are read-only.
 */
public final class PastView {
  private final Instant now;
  private final LocalDate date;
  private final int session;
  private final List<String> universe;
  private final Map<String, List<Bar>> bars;
  private final Map<String, Integer> barCounts;
  private final Map<String, List<ScoredItem>> news;
  private final Map<String, Integer> newsCounts;
  private final List<LocalDate> pastSessions;
  private final Map<String, Long> shares;
  private final double equity;
  private final SentimentLabels labels;
  private final java.time.ZoneId zone;
  private final Fill fill;

  PastView(java.time.ZoneId zone, Fill fill, Instant now, LocalDate date, int session, List<String> universe, Map<String, List<Bar>> bars,
      Map<String, Integer> barCounts, Map<String, List<ScoredItem>> news, Map<String, Integer> newsCounts,
      List<LocalDate> pastSessions, Map<String, Long> shares, double equity, SentimentLabels labels) {
    this.now = now;
    this.date = date;
    this.session = session;
    this.universe = universe;
    this.bars = bars;
    this.barCounts = barCounts;
    this.news = news;
    this.newsCounts = newsCounts;
    this.pastSessions = pastSessions;
    this.shares = Map.copyOf(shares);
    this.equity = equity;
    this.labels = labels;
    this.zone = zone;
    this.fill = fill;
  }

  /** The exchange zone of the sessions. */
  public java.time.ZoneId zone() {
    return zone;
  }

  /** When orders fill (open or close of a session). */
  public Fill fill() {
    return fill;
  }

  /** The open instant of a session date (09:30 in the exchange zone). */
  public Instant openOf(LocalDate d) {
    return d.atTime(Timeline.OPEN).atZone(zone).toInstant();
  }

  /** The close instant of a session date (16:00 in the exchange zone). */
  public Instant closeOf(LocalDate d) {
    return d.atTime(Timeline.CLOSE).atZone(zone).toInstant();
  }

  /** The fill instant of a session date under this backtest's {@link #fill()}. */
  public Instant fillOf(LocalDate d) {
    return fill == Fill.OPEN ? openOf(d) : closeOf(d);
  }

  /** Midnight at the start of this decision's session date in the exchange zone. */
  public Instant midnight() {
    return date.atStartOfDay(zone).toInstant();
  }

  /** The fill instant of this decision: everything visible here happened strictly before it. */
  public Instant now() {
    return now;
  }

  /** The session date whose open (or close) this decision fills at. */
  public LocalDate date() {
    return date;
  }

  /** 0 for the first session of the backtest, 1 for the next, ... */
  public int sessionNumber() {
    return session;
  }

  /** The sessions before this one (dates of the backtest's calendar), oldest first. */
  public List<LocalDate> pastSessions() {
    return pastSessions;
  }

  public List<String> universe() {
    return universe;
  }

  public SentimentLabels labels() {
    return labels;
  }

  /** The symbol's bars known now (closes strictly before {@link #now}), oldest first. */
  public List<Bar> bars(String symbol) {
    List<Bar> b = bars.get(symbol);
    Integer n = barCounts.get(symbol);
    return b == null || n == null ? List.of() : Collections.unmodifiableList(b.subList(0, n));
  }

  /** The last known close, NaN when none. */
  public double lastClose(String symbol) {
    List<Bar> b = bars(symbol);
    return b.isEmpty() ? Double.NaN : b.get(b.size() - 1).close();
  }

  /** Every known item about {@code symbol}, oldest first. */
  public List<ScoredItem> news(String symbol) {
    List<ScoredItem> l = news.get(symbol);
    Integer n = newsCounts.get(symbol);
    return l == null || n == null ? List.of() : Collections.unmodifiableList(l.subList(0, n));
  }

  /** Known items about {@code symbol} available at or after {@code from}, oldest first. */
  public List<ScoredItem> news(String symbol, Instant from) {
    List<ScoredItem> all = news(symbol);
    int lo = 0;
    int hi = all.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (all.get(mid).item().available().isBefore(from)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return all.subList(lo, all.size());
  }

  /** Shares held now (before this decision's orders). */
  public Map<String, Long> shares() {
    return shares;
  }

  /** Equity valued at the last known closes. */
  public double equity() {
    return equity;
  }
}
