package io.finbert4j.trading;

import java.time.LocalDate;

/** One row of equity.csv, at a session's close: equity, benchmark, cash, gross and net exposure (fractions of equity). */
public record EquityPoint(LocalDate date, double equity, double benchmark, double cash, double gross, double net,
    double traded) {}
