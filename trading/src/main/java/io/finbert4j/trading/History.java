package io.finbert4j.trading;

import io.finbert4j.trading.data.Bar;
import io.finbert4j.trading.data.Prices;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine's memory of the past, grown session by session. {@link #advanceTo} appends exactly what
 * {@link Timeline#knownBefore} admits for the fill of that session, so nothing from the future is ever in here;
 * {@link #view} hands strategies a read-only, fixed-length window onto it.
 */
final class History {
  private final Timeline timeline;
  private final List<String> universe;
  private final Map<String, List<Bar>> allBars = new HashMap<>();
  private final Map<String, Integer> barCursor = new HashMap<>();
  private final List<ScoredItem> allNews;
  private int newsCursor;
  private final Map<String, List<Bar>> knownBars = new TreeMap<>();
  private final Map<String, List<ScoredItem>> knownNews = new TreeMap<>();
  private final List<LocalDate> pastSessions = new ArrayList<>();
  private final SentimentLabels labels;

  History(Timeline timeline, Prices prices, List<ScoredItem> newsSortedByAvailability, SentimentLabels labels) {
    this.timeline = timeline;
    this.universe = prices.symbols();
    this.labels = labels;
    for (String s : universe) {
      allBars.put(s, prices.bars(s));
      barCursor.put(s, 0);
      knownBars.put(s, new ArrayList<>());
      knownNews.put(s, new ArrayList<>());
    }
    this.allNews = newsSortedByAvailability;
  }

  /** Admits what is known strictly before the fill of session {@code i}. */
  void advanceTo(int i) {
    var fill = timeline.fillInstant(i);
    for (String s : universe) {
      List<Bar> bars = allBars.get(s);
      int c = barCursor.get(s);
      while (c < bars.size()) {
        Bar b = bars.get(c);
        var close = b.date().atTime(Timeline.CLOSE).atZone(timeline.zone()).toInstant();
        if (!Timeline.knownBefore(close, fill)) {
          break;
        }
        knownBars.get(s).add(b);
        c++;
      }
      barCursor.put(s, c);
    }
    while (newsCursor < allNews.size() && Timeline.knownBefore(allNews.get(newsCursor).item().available(), fill)) {
      ScoredItem it = allNews.get(newsCursor++);
      for (String s : it.item().symbols()) {
        List<ScoredItem> l = knownNews.get(s);
        if (l != null) {
          l.add(it);
        }
      }
    }
    while (pastSessions.size() < i) {
      pastSessions.add(timeline.date(pastSessions.size()));
    }
  }

  PastView view(int i, int sessionNumber, Map<String, Long> shares, double equity) {
    Map<String, Integer> bc = new HashMap<>();
    knownBars.forEach((k, v) -> bc.put(k, v.size()));
    Map<String, Integer> nc = new HashMap<>();
    knownNews.forEach((k, v) -> nc.put(k, v.size()));
    return new PastView(timeline.zone(), timeline.fill(), timeline.fillInstant(i), timeline.date(i), sessionNumber, universe, knownBars, bc, knownNews, nc,
        List.copyOf(pastSessions), shares, equity, labels);
  }

  double lastClose(String s) {
    List<Bar> b = knownBars.get(s);
    return b == null || b.isEmpty() ? Double.NaN : b.get(b.size() - 1).close();
  }
}
