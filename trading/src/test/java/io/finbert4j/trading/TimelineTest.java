package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  // Fri 8 Mar 2024, Mon 11 Mar 2024 (US daylight saving started Sun 10 Mar), Tue 12 Mar
  final List<LocalDate> days = List.of(LocalDate.of(2024, 3, 8), LocalDate.of(2024, 3, 11), LocalDate.of(2024, 3, 12));
  final Timeline open = new Timeline(days, Timeline.NEW_YORK, Fill.OPEN);
  final Timeline close = new Timeline(days, Timeline.NEW_YORK, Fill.CLOSE);

  static Instant ny(int d, int h, int m) {
    return ZonedDateTime.of(2024, 3, d, h, m, 0, 0, Timeline.NEW_YORK).toInstant();
  }

  @Test
  void sessionsInTheExchangeZoneAcrossDaylightSaving() {
    assertEquals(Instant.parse("2024-03-08T14:30:00Z"), open.open(0)); // EST, UTC-5
    assertEquals(Instant.parse("2024-03-11T13:30:00Z"), open.open(1)); // EDT, UTC-4
    assertEquals(Instant.parse("2024-03-11T20:00:00Z"), open.close(1));
  }

  @Test
  void headlineAfterTheCloseTradesAtTheNextOpen() {
    assertEquals(1, open.firstFillAfter(ny(8, 16, 5)));
    assertEquals(1, open.firstFillAfter(Instant.parse("2024-03-08T21:05:00Z"))); // the same instant written in UTC
    assertEquals(1, open.firstFillAfter(ny(10, 12, 0))); // Sunday
  }

  @Test
  void headlineBeforeTheOpenTradesAtThatOpen() {
    assertEquals(1, open.firstFillAfter(ny(11, 8, 0)));
    assertEquals(2, open.firstFillAfter(ny(11, 9, 30))); // at the open exactly: not strictly before, next one
    assertEquals(-1, open.firstFillAfter(ny(12, 10, 0)));
  }

  @Test
  void fillAtCloseTakesTheFirstCloseAfter() {
    assertEquals(1, close.firstFillAfter(ny(11, 8, 0)));
    assertEquals(1, close.firstFillAfter(ny(11, 15, 59)));
    assertEquals(2, close.firstFillAfter(ny(11, 16, 0)));
  }

  @Test
  void barsAreKnownOnlyAfterTheirClose() {
    assertEquals(false, open.barKnownAt(1, 1));
    assertEquals(true, open.barKnownAt(0, 1));
    assertEquals(false, close.barKnownAt(1, 1));
  }
}
