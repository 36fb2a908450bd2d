package io.finbert4j.trading.data;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Parsing of the time stamps in the input files; only {@code java.time}, never string arithmetic. */
public final class Times {
  static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.BASIC_ISO_DATE;

  private Times() {}

  /**
   * An ISO-8601 instant with an offset or {@code Z} ({@code 2024-03-01T21:05:00Z}, {@code 2024-03-01T16:05-05:00});
   * with {@code assumeUtc} a stamp without offset is read as UTC (LEAN's Tiingo files), otherwise it is an error.
   */
  public static Instant parseInstant(String s, boolean assumeUtc) {
    String t = s.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      // fall through
    }
    try {
      LocalDateTime ldt = LocalDateTime.parse(t.replace(' ', 'T'));
      if (assumeUtc) {
        return ldt.toInstant(ZoneOffset.UTC);
      }
      throw new IllegalArgumentException("time '" + s + "' has no offset (write it as 2024-03-01T16:05:00-05:00 or "
          + "2024-03-01T21:05:00Z)");
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("unparseable time '" + s + "' (ISO-8601 with offset or Z expected)");
    }
  }

  /** {@code yyyy-MM-dd} or {@code yyyyMMdd}. */
  public static LocalDate parseDate(String s) {
    String t = s.strip();
    try {
      return t.length() == 8 ? LocalDate.parse(t, BASIC_DATE) : LocalDate.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("unparseable date '" + s + "' (yyyy-MM-dd expected)");
    }
  }
}
