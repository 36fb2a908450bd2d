package io.finbert4j.trading;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One fill (a row of trades.csv).
 *
 * @param realized profit or loss realised by the part of this fill that reduced a position (average-cost basis,
 *     net of this fill's fee); NaN when the fill only opened or added
 */
public record Trade(LocalDate date, Instant time, String symbol, long quantity, double price, double fee,
    long positionAfter, double realized, String reason) {}
