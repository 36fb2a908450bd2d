package io.finbert4j.trading;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The trading sessions and the one rule of time in this module. Sessions are the dates of the price data, in the
 * exchange's zone, opening at {@link #OPEN} and closing at {@link #CLOSE} local time ({@code java.time} does the
 * daylight-saving arithmetic). An order decided for session i fills at its open (or close, {@link Fill#CLOSE}); the
 * decision may use exactly what was known <em>strictly before</em> that fill instant: news whose availability is
 * before it and bars whose close is before it ({@link #knownBefore}). Every part of the engine asks this class,
 * and only this class, that question.
 */
public final class Timeline {
  public static final LocalTime OPEN = LocalTime.of(9, 30);
  public static final LocalTime CLOSE = LocalTime.of(16, 0);
  public static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private final ZoneId zone;
  private final Fill fill;
  private final List<LocalDate> dates;
  private final Instant[] opens;
  private final Instant[] closes;

  public Timeline(Collection<LocalDate> sessionDates, ZoneId zone, Fill fill) {
    this.zone = zone;
    this.fill = fill;
    List<LocalDate> d = new ArrayList<>(sessionDates);
    Collections.sort(d);
    this.dates = List.copyOf(d);
    opens = new Instant[d.size()];
    closes = new Instant[d.size()];
    for (int i = 0; i < d.size(); i++) {
      opens[i] = d.get(i).atTime(OPEN).atZone(zone).toInstant();
      closes[i] = d.get(i).atTime(CLOSE).atZone(zone).toInstant();
    }
  }

  public ZoneId zone() {
    return zone;
  }

  public Fill fill() {
    return fill;
  }

  public int size() {
    return dates.size();
  }

  public List<LocalDate> dates() {
    return dates;
  }

  public LocalDate date(int i) {
    return dates.get(i);
  }

  public Instant open(int i) {
    return opens[i];
  }

  public Instant close(int i) {
    return closes[i];
  }

  /** The instant orders decided for session {@code i} fill: its open or its close. */
  public Instant fillInstant(int i) {
    return fill == Fill.OPEN ? opens[i] : closes[i];
  }

  /** THE rule: information stamped {@code t} may be used by a decision that fills at {@code fillInstant}. */
  public static boolean knownBefore(Instant t, Instant fillInstant) {
    return t.isBefore(fillInstant);
  }

  /** Whether the bar of session {@code barSession} (its close) is known to the decision filling at session {@code i}. */
  public boolean barKnownAt(int barSession, int i) {
    return knownBefore(closes[barSession], fillInstant(i));
  }

  /** The first session whose fill instant is strictly after {@code t} (the first chance to act on it), or -1. */
  public int firstFillAfter(Instant t) {
    int lo = 0;
    int hi = dates.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (knownBefore(t, fillInstant(mid))) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo < dates.size() ? lo : -1;
  }

  /** The first session whose fill instant is at or after {@code t} (a price observed at that opportunity), or -1. */
  public int firstFillAtOrAfter(Instant t) {
    for (int i = 0; i < dates.size(); i++) {
      if (!fillInstant(i).isBefore(t)) {
        return i;
      }
    }
    return -1;
  }
}
