package io.finbert4j.trading;

import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.report.Report;
import io.finbert4j.trading.score.NewsScoring;
import io.finbert4j.trading.score.ScoreCache;
import io.finbert4j.trading.score.TextScorer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One whole backtest as the CLI runs it: score the news (cached), build the strategy by name, run the event loop,
 * write the report folder atomically, and produce the text summary.
 */
public final class BacktestRun {
  private BacktestRun() {}

  /** What a run returns; {@code out} is null when no report was asked for. */
  public record Outcome(BacktestResult result, NewsScoring.Result scoring, Path out, String summary) {}

  /** The inputs and settings of one run. */
  public record Request(String strategy, StrategySettings settings, BacktestConfig config, List<NewsItem> news,
      Prices prices, TextScorer scorer, Path modelDir, ScoreCache cache, TextField text, Path out,
      Map<String, String> options, long seed, Map<String, Object> info) {}

  public static Outcome run(Request q, PrintWriter log) throws IOException {
    SentimentLabels labels = SentimentLabels.of(q.scorer().labels());
    NewsScoring.Result scored = NewsScoring.score(q.news(), q.text(), q.scorer(), q.cache(), log);
    if (log != null) {
      log.printf("scores: %d cached, %d scored (%d items, %.1f s)%n", scored.cached(), scored.scored(),
          q.news().size(), scored.seconds());
      log.flush();
    }
    Path staging = q.out() == null ? null : Report.stage(q.out());
    try {
      StrategyContext ctx = new StrategyContext(q.modelDir(), q.scorer(), q.cache(), q.text(), staging, log, q.seed(),
          q.options());
      Strategy strategy = Strategies.create(q.strategy(), q.settings(), ctx);
      BacktestResult r = Backtester.run(q.prices(), scored.items(), labels, strategy, q.config());
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("strategy", q.strategy());
      info.put("from", r.dates().get(0).toString());
      info.put("to", r.dates().get(r.dates().size() - 1).toString());
      info.put("fill", q.config().fill().name().toLowerCase(java.util.Locale.ROOT));
      info.put("news_items", q.news().size());
      info.put("scores_cached", scored.cached());
      info.put("scores_computed", scored.scored());
      java.util.Set<String> universe = new java.util.HashSet<>(q.prices().symbols());
      long orphans = q.news().stream().filter(n -> n.symbols().stream().noneMatch(universe::contains)).count();
      info.put("news_items_without_prices", orphans);
      if (orphans > 0 && log != null) {
        log.printf("note: %d news items name no symbol that has prices; they are not used%n", orphans);
        log.flush();
      }
      if (q.info() != null) {
        info.putAll(q.info());
      }
      info.putAll(strategy.report());
      if (staging != null) {
        Report.write(r, info, labels.labels(), staging);
        Report.publish(staging, q.out());
      }
      return new Outcome(r, scored, q.out(), Report.summary(r, info));
    } finally {
      if (staging != null) {
        Report.deleteTree(staging);
      }
    }
  }
}
