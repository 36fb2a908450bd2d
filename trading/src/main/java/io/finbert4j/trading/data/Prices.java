package io.finbert4j.trading.data;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Daily bars of every symbol, each symbol's bars sorted by date; one bar per symbol and date. */
public final class Prices {
  private final Map<String, List<Bar>> bySymbol;
  private final NavigableSet<LocalDate> dates;

  public Prices(List<Bar> bars) {
    Map<String, List<Bar>> m = new TreeMap<>();
    TreeSet<LocalDate> d = new TreeSet<>();
    for (Bar b : bars) {
      m.computeIfAbsent(b.symbol(), k -> new ArrayList<>()).add(b);
      d.add(b.date());
    }
    for (List<Bar> l : m.values()) {
      l.sort((a, b) -> a.date().compareTo(b.date()));
    }
    Map<String, List<Bar>> frozen = new TreeMap<>();
    m.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    this.bySymbol = Collections.unmodifiableMap(frozen);
    this.dates = Collections.unmodifiableNavigableSet(d);
  }

  /** The symbols, sorted. */
  public List<String> symbols() {
    return List.copyOf(bySymbol.keySet());
  }

  public List<Bar> bars(String symbol) {
    return bySymbol.getOrDefault(symbol, List.of());
  }

  /** Every date on which some symbol has a bar: the sessions. */
  public NavigableSet<LocalDate> dates() {
    return dates;
  }

  public List<Bar> all() {
    List<Bar> out = new ArrayList<>();
    bySymbol.values().forEach(out::addAll);
    return out;
  }

  /** Only these dates (inclusive; null = open end). */
  public Prices between(LocalDate from, LocalDate to) {
    List<Bar> out = new ArrayList<>();
    for (Bar b : all()) {
      if ((from == null || !b.date().isBefore(from)) && (to == null || !b.date().isAfter(to))) {
        out.add(b);
      }
    }
    return new Prices(out);
  }
}
