package io.finbert4j.trading;

import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.List;
import java.util.Locale;

/** How often a strategy rebalances ({@code --rebalance}): every session, the first session of each ISO week, or of each month. */
public enum Rebalance {
  DAILY, WEEKLY, MONTHLY;

  public static Rebalance parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--rebalance must be daily, weekly or monthly, got '" + s + "'");
    }
  }

  /** Whether {@code date} is a rebalance session given the sessions before it. */
  public boolean isRebalanceDay(LocalDate date, List<LocalDate> pastSessions) {
    if (pastSessions.isEmpty() || this == DAILY) {
      return true;
    }
    LocalDate prev = pastSessions.get(pastSessions.size() - 1);
    return switch (this) {
      case DAILY -> true;
      case WEEKLY -> prev.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) != date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)
          || prev.get(IsoFields.WEEK_BASED_YEAR) != date.get(IsoFields.WEEK_BASED_YEAR);
      case MONTHLY -> prev.getMonthValue() != date.getMonthValue() || prev.getYear() != date.getYear();
    };
  }
}
