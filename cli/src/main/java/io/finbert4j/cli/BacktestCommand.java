package io.finbert4j.cli;

import io.finbert4j.core.FinBert;
import io.finbert4j.trading.BacktestConfig;
import io.finbert4j.trading.BacktestRun;
import io.finbert4j.trading.Costs;
import io.finbert4j.trading.Fill;
import io.finbert4j.trading.Rebalance;
import io.finbert4j.trading.Strategies;
import io.finbert4j.trading.StrategySettings;
import io.finbert4j.trading.Weighting;
import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.data.Prices;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.score.FinBertScorer;
import io.finbert4j.trading.score.ScoreCache;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finbert backtest}: a thin shell over {@link BacktestRun} (library: the finbert4j-trading module). */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Backtest a FinBERT news-sentiment strategy on daily prices: score every news item (cached in SQLite),",
      "aggregate per symbol, trade at the first open strictly after the news, LEAN-style statistics, and a",
      "report folder (metrics.json, trades.csv, equity.csv, signals.csv, charts, report.html)."
    },
    footer = {
      "%nExamples:",
      "  finbert backtest --news news.csv --prices prices.csv \\",
      "      --model models/finbert --out report",
      "  finbert backtest --data-folder lean-data --model ProsusAI/finbert \\",
      "      --rebalance weekly --lookback-days 5",
      "  finbert backtest --strategy monthly-sentiment --news news.csv \\",
      "      --prices prices.csv --model DIR",
      "  finbert backtest --strategy monthly-finetune --news news.csv \\",
      "      --prices prices.csv --model DIR --score-window 10",
      "%nStrategies: long-short, monthly-sentiment, monthly-finetune (more register",
      "by name through io.finbert4j.trading.Strategies)."
    })
public final class BacktestCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Option(names = "--strategy", defaultValue = "long-short", description = "Strategy name (default: ${DEFAULT-VALUE}).")
  String strategy;

  @Option(names = "--news", paramLabel = "FILE|DIR", description = "News: CSV or JSON lines file, a folder of them, or a LEAN Tiingo folder.")
  Path news;

  @Option(names = "--prices", paramLabel = "FILE|DIR", description = "Daily prices: CSV file, a folder of them, or LEAN equity/usa/daily zips.")
  Path prices;

  @Option(names = "--data-folder", paramLabel = "DIR", description = "A LEAN data root: news from alternative/tiingo, prices from equity/usa/daily.")
  Path dataFolder;

  @Mixin PredictCommand.ModelOptions modelOptions;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "backtest-report", description = "Report folder, replaced atomically (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--from", paramLabel = "DATE", description = "First session (yyyy-MM-dd; earlier prices are history only).")
  LocalDate from;

  @Option(names = "--to", paramLabel = "DATE", description = "Last session (yyyy-MM-dd).")
  LocalDate to;

  @Option(names = "--rebalance", defaultValue = "daily", description = "daily, weekly or monthly (default: ${DEFAULT-VALUE}).")
  String rebalance;

  @Option(names = "--lookback-days", defaultValue = "1", description = "News window before each decision, days (default: ${DEFAULT-VALUE}).")
  double lookbackDays;

  @Option(names = "--top", defaultValue = "1", description = "Long the top K and short the bottom K symbols (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--top-percent", paramLabel = "Q", defaultValue = "0", description = "Long the top Q %% and short the bottom Q %% instead of --top.")
  double topPercent;

  @Option(names = "--weighting", defaultValue = "equal", description = "Item weighting: equal, exp-ramp or half-life:H (default: ${DEFAULT-VALUE}).")
  String weighting;

  @Option(names = "--weights", defaultValue = "equal", description = "Position weights: equal or score (default: ${DEFAULT-VALUE}).")
  String weights;

  @Option(names = "--gross", defaultValue = "1.0", description = "Gross exposure, sum of |weights| (default: ${DEFAULT-VALUE}).")
  double gross;

  @Option(names = "--net", defaultValue = "0.1", description = "Largest |net exposure| (default: ${DEFAULT-VALUE}).")
  double net;

  @Option(names = "--min-items", defaultValue = "1", description = "Fewer items in the window: flat (default: ${DEFAULT-VALUE}).")
  int minItems;

  @Option(names = "--capital", defaultValue = "100000", description = "Starting cash (default: ${DEFAULT-VALUE}).")
  double capital;

  @Option(names = "--cost-bps", paramLabel = "N", description = "Costs as N basis points of the trade value (default: LEAN's equity fees).")
  Double costBps;

  @Option(names = "--slippage-bps", paramLabel = "N", defaultValue = "0", description = "Slippage against the order (default: ${DEFAULT-VALUE}).")
  double slippageBps;

  @Option(names = "--fill", defaultValue = "open", description = "Fill at the first open (default) or close strictly after the news.")
  String fill;

  @Option(names = "--exchange-zone", defaultValue = "America/New_York", description = "Exchange time zone (default: ${DEFAULT-VALUE}).")
  String zone;

  @Option(names = "--risk-threshold", description = "Liquidate a long on an item with P(negative) >= this; > 1 turns it off (default: 0.9 for long-short, off for the monthly strategies, as published).")
  Double riskThreshold;

  @Option(names = "--risk-tags", split = ",", paramLabel = "TAG", description = "Only items with one of these tags trigger the risk rule (e.g. regulatory,sec,lawsuit).")
  List<String> riskTags = new ArrayList<>();

  @Option(names = "--risk-cooldown", defaultValue = "0", description = "Sessions a liquidated symbol stays flat (default: ${DEFAULT-VALUE}).")
  int riskCooldown;

  @Option(names = "--risk-free", defaultValue = "0", description = "Annual risk-free rate (default: ${DEFAULT-VALUE}).")
  double riskFree;

  @Option(names = "--benchmark", paramLabel = "SYMBOL", description = "Benchmark symbol (default: equal-weight buy-and-hold of the universe).")
  String benchmark;

  @Option(names = "--text", defaultValue = "description", description = "Text scored: title, description (falls back to the title) or title+description (default: ${DEFAULT-VALUE}).")
  String text;

  @Option(names = "--cache", paramLabel = "FILE", description = "Score cache (default: $FINBERT_HOME/scores.sqlite or ~/.cache/finbert4j/scores.sqlite).")
  Path cache;

  @Option(names = "--no-cache", description = "Score everything, read and write no cache.")
  boolean noCache;

  @Option(names = "--skip-bad-rows", description = "Count and report malformed rows instead of failing on the first.")
  boolean skipBadRows;

  @Option(names = "--strategy-option", paramLabel = "KEY=VALUE", description = "Extra options for the strategy.")
  Map<String, String> strategyOptions = new LinkedHashMap<>();

  @Option(names = "--seed", defaultValue = "42", description = "Seed for strategies that train (default: ${DEFAULT-VALUE}).")
  long seed;

  /** monthly-sentiment / monthly-finetune: the published rules, each an option (defaults = published values). */
  static final class Monthly {
    @Option(names = "--universe-size", description = "Monthly: the N symbols with the largest trailing dollar volume (default 10).")
    Integer universe;

    @Option(names = "--volume-window", description = "Monthly: sessions in the mean of close x volume (default 20).")
    Integer volumeWindow;

    @Option(names = "--volatility-days", description = "Monthly: calendar days of returns whose std picks the asset (default 365).")
    Integer volatilityDays;

    @Option(names = "--warmup-days", description = "Monthly: days of prices needed before the first decision (default 30).")
    Integer warmupDays;

    @Option(names = "--session-of-month", description = "Monthly: decide on this trading session of each month (default 2).")
    Integer sessionOfMonth;

    @Option(names = "--long-weight", description = "Monthly: weight when P(positive) > P(negative) (default 1.0).")
    Double longWeight;

    @Option(names = "--short-weight", description = "Monthly: short weight otherwise (default 0.25).")
    Double shortWeight;

    @Option(names = "--news-days", description = "Monthly: days of news scored (sentiment, default 10) or trained on (finetune, default 30).")
    Integer newsDays;

    @Option(names = "--score-window", description = "monthly-finetune: days of news the fine-tuned model scores (default 30).")
    Integer scoreWindow;

    @Option(names = "--finetune-epochs", description = "monthly-finetune: epochs (default 2).")
    Integer epochs;

    @Option(names = "--finetune-lr", description = "monthly-finetune: Adam learning rate, constant (default 3e-5).")
    Double lr;

    @Option(names = "--finetune-batch", description = "monthly-finetune: batch size (default 8).")
    Integer batch;

    @Option(names = "--finetune-freeze", description = "monthly-finetune: none, all (head only) or last:N (default none).")
    String freeze;

    @Option(names = "--finetune-max-length", description = "monthly-finetune: max tokens (default 128).")
    Integer maxLength;

    @Option(names = "--min-samples", description = "monthly-finetune: fewer samples: flat for the month (default 10).")
    Integer minSamples;

    @Option(names = "--max-samples", description = "monthly-finetune: keep the most recent N samples (default 100).")
    Integer maxSamples;

    @Option(names = "--label-order-as-published", description = "Reproduce the published examples' mistake: read probabilities by index as [negative, neutral, positive]. Never the default.")
    boolean publishedOrder;

    void into(Map<String, String> o) {
      put(o, "universe", universe);
      put(o, "volume-window", volumeWindow);
      put(o, "volatility-days", volatilityDays);
      put(o, "warmup-days", warmupDays);
      put(o, "session-of-month", sessionOfMonth);
      put(o, "long", longWeight);
      put(o, "short", shortWeight);
      put(o, "news-days", newsDays);
      put(o, "score-window", scoreWindow);
      put(o, "epochs", epochs);
      put(o, "lr", lr);
      put(o, "batch", batch);
      put(o, "freeze", freeze);
      put(o, "max-length", maxLength);
      put(o, "min-samples", minSamples);
      put(o, "max-samples", maxSamples);
      if (publishedOrder) {
        o.put("label-order", "published");
      }
    }

    private static void put(Map<String, String> o, String k, Object v) {
      if (v != null) {
        o.put(k, String.valueOf(v));
      }
    }
  }

  @CommandLine.ArgGroup(exclusive = false, heading = "%nMonthly strategies (published rules):%n")
  Monthly monthly = new Monthly();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path newsPath = news;
    Path pricePath = prices;
    if (dataFolder != null) {
      if (!Files.isDirectory(dataFolder)) {
        throw new CliErrors.UserException("--data-folder " + dataFolder + " is not a folder");
      }
      newsPath = newsPath != null ? newsPath : dataFolder;
      pricePath = pricePath != null ? pricePath : dataFolder;
    }
    if (newsPath == null || pricePath == null) {
      throw new CliErrors.UserException("give --news and --prices (files or folders), or --data-folder DIR");
    }
    if (!Strategies.names().contains(strategy)) {
      throw new CliErrors.UserException("unknown --strategy '" + strategy + "' (known: "
          + String.join(", ", new java.util.TreeSet<>(Strategies.names())) + ")");
    }
    boolean isMonthly = strategy.startsWith("monthly-");
    double risk = riskThreshold != null ? riskThreshold : isMonthly ? 2.0 : 0.9;
    Map<String, String> options = new LinkedHashMap<>(strategyOptions);
    (monthly == null ? new Monthly() : monthly).into(options);
    StrategySettings settings;
    BacktestConfig cfg;
    TextField field;
    try {
      if (!weights.equals("equal") && !weights.equals("score")) {
        throw new IllegalArgumentException("--weights must be equal or score, got '" + weights + "'");
      }
      settings = new StrategySettings(Rebalance.parse(rebalance), lookbackDays, topPercent > 0 ? 0 : top, topPercent,
          Weighting.parse(weighting), weights.equals("score"), gross, net, minItems, risk,
          riskTags.stream().map(t -> t.strip().toLowerCase(Locale.ROOT)).filter(t -> !t.isEmpty()).toList(),
          riskCooldown);
      ZoneId z;
      try {
        z = ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("--exchange-zone: unknown zone '" + zone + "'");
      }
      Costs costs = (costBps == null ? Costs.lean() : Costs.bps(costBps)).withSlippage(slippageBps);
      cfg = new BacktestConfig(capital, Fill.parse(fill), z, costs, riskFree,
          benchmark == null ? null : benchmark.toUpperCase(Locale.ROOT), from, to);
      field = TextField.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CliErrors.UserException(e.getMessage());
    }
    BadRows bad = skipBadRows ? BadRows.skip() : BadRows.fail();
    List<NewsItem> items = NewsReader.read(newsPath, bad);
    Prices px = PriceReader.read(pricePath, bad);
    err.printf("read %d news items, %d bars of %d symbols (%s to %s)%n", items.size(), px.all().size(),
        px.symbols().size(), px.dates().first(), px.dates().last());
    if (bad.count() > 0) {
      err.printf("skipped %d bad rows (--skip-bad-rows); first: %s%n", bad.count(), bad.messages().get(0));
    }
    err.flush();
    FinBert finbert = modelOptions.load();
    FinBertScorer scorer = FinBertScorer.of(finbert, modelOptions.resolvedDir);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model", String.valueOf(modelOptions.resolvedDir));
    info.put("bad_rows_skipped", bad.count());
    ScoreCache sc = noCache ? null : ScoreCache.open(cache != null ? cache : ScoreCache.defaultFile());
    try {
      BacktestRun.Outcome o = BacktestRun.run(new BacktestRun.Request(strategy, settings, cfg, items, px, scorer,
          modelOptions.resolvedDir, sc, field, out, options, seed, info), err);
      print(stdout, o, bad);
    } finally {
      if (sc != null) {
        sc.close();
      }
    }
    return 0;
  }

  static void print(PrintWriter out, BacktestRun.Outcome o, BadRows bad) {
    out.print(o.summary());
    out.printf("  scores: %d cached, %d scored%s%n", o.scoring().cached(), o.scoring().scored(),
        bad.count() > 0 ? "; " + bad.count() + " bad rows skipped" : "");
    if (!o.result().notes().isEmpty()) {
      out.printf("  %d note(s), e.g. %s%n", o.result().notes().size(), o.result().notes().get(0));
    }
    if (o.out() != null) {
      out.println("report: " + o.out().toAbsolutePath().normalize().resolve("report.html"));
    }
    out.flush();
  }
}
