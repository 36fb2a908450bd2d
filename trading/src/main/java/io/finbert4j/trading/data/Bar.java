package io.finbert4j.trading.data;

import java.time.LocalDate;

/**
 * One daily bar in dollars. {@code adjClose} is NaN when the file has none.
 *
 * @param origin {@code file:line} it was read from
 */
public record Bar(LocalDate date, String symbol, double open, double high, double low, double close, double volume,
    double adjClose, String origin) {}
