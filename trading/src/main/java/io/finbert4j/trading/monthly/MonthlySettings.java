package io.finbert4j.trading.monthly;

import java.util.Map;

/**
 * The published monthly FinBERT algorithms' rules, each an option (CLI flag in brackets; {@code --strategy-option}
 * key after it). Defaults are the published values.
 *
 * @param universeSize [--universe-size, universe] the N symbols with the largest dollar volume (10)
 * @param volumeWindow [--volume-window, volume-window] sessions in the trailing mean of close × volume (20; the
 *     platform uses a fundamentals feed's dollar volume, which we do not have)
 * @param volatilityDays [--volatility-days, volatility-days] calendar days of daily close-to-close returns whose
 *     sample standard deviation picks the one asset (365)
 * @param warmupDays [--warmup-days, warmup-days] no decision until this many calendar days of prices are known (30)
 * @param sessionOfMonth [--session-of-month, session-of-month] decide on the n-th trading session of each month (2:
 *     the platform's {@code month_start(spy, 1)}), at midnight before it, filling at its open
 * @param longWeight [--long-weight, long] weight when P(positive) > P(negative) (1.0)
 * @param shortWeight [--short-weight, short] weight otherwise, as a positive number (0.25: short 25 %)
 * @param newsDays [--news-days, news-days] monthly-sentiment: days of news scored (10); monthly-finetune: days of
 *     news the training set is built from (30)
 * @param scoreDays [--score-window, score-window] monthly-finetune: days of news scored by the fine-tuned model (30:
 *     the same news, as published; 10 scores only the last 10 days)
 * @param epochs [--finetune-epochs, epochs] 2
 * @param lr [--finetune-lr, lr] Adam, constant, no weight decay: 3e-5
 * @param batch [--finetune-batch, batch] 8
 * @param freeze [--finetune-freeze, freeze] none, all (= head only), last:N (train only the last N layers + head)
 * @param maxLength [--finetune-max-length, max-length] 128
 * @param minSamples [--min-samples, min-samples] fewer labelled samples: liquidate and skip the month (10)
 * @param maxSamples [--max-samples, max-samples] keep the most recent N samples (100)
 * @param publishedLabelOrder [--label-order-as-published, label-order] read probabilities by index as
 *     {@code [negative, neutral, positive]}, reproducing the published examples' mistake (never the default)
 */
public record MonthlySettings(int universeSize, int volumeWindow, int volatilityDays, int warmupDays,
    int sessionOfMonth, double longWeight, double shortWeight, int newsDays, int scoreDays, int epochs, double lr,
    int batch, String freeze, int maxLength, int minSamples, int maxSamples, boolean publishedLabelOrder) {

  public MonthlySettings {
    if (universeSize < 1 || volumeWindow < 1 || volatilityDays < 2 || warmupDays < 0 || sessionOfMonth < 1
        || newsDays < 1 || scoreDays < 1 || epochs < 1 || batch < 1 || maxLength < 8 || minSamples < 1
        || maxSamples < minSamples || !(lr > 0) || longWeight < 0 || shortWeight < 0) {
      throw new IllegalArgumentException("invalid monthly strategy settings: " + this);
    }
  }

  /** The published defaults; {@code newsDays} is 10 for monthly-sentiment and 30 for monthly-finetune. */
  public static MonthlySettings defaults(int newsDays) {
    return new MonthlySettings(10, 20, 365, 30, 2, 1.0, 0.25, newsDays, 30, 2, 3e-5, 8, "none", 128, 10, 100, false);
  }

  /** Defaults overridden by {@code --strategy-option} keys (see the parameter list). */
  public static MonthlySettings fromOptions(Map<String, String> o, int defaultNewsDays) {
    MonthlySettings d = defaults(defaultNewsDays);
    try {
      return new MonthlySettings(
          Integer.parseInt(o.getOrDefault("universe", "" + d.universeSize)),
          Integer.parseInt(o.getOrDefault("volume-window", "" + d.volumeWindow)),
          Integer.parseInt(o.getOrDefault("volatility-days", "" + d.volatilityDays)),
          Integer.parseInt(o.getOrDefault("warmup-days", "" + d.warmupDays)),
          Integer.parseInt(o.getOrDefault("session-of-month", "" + d.sessionOfMonth)),
          Double.parseDouble(o.getOrDefault("long", "" + d.longWeight)),
          Double.parseDouble(o.getOrDefault("short", "" + d.shortWeight)),
          Integer.parseInt(o.getOrDefault("news-days", "" + d.newsDays)),
          Integer.parseInt(o.getOrDefault("score-window", "" + d.scoreDays)),
          Integer.parseInt(o.getOrDefault("epochs", "" + d.epochs)),
          Double.parseDouble(o.getOrDefault("lr", "" + d.lr)),
          Integer.parseInt(o.getOrDefault("batch", "" + d.batch)),
          o.getOrDefault("freeze", d.freeze),
          Integer.parseInt(o.getOrDefault("max-length", "" + d.maxLength)),
          Integer.parseInt(o.getOrDefault("min-samples", "" + d.minSamples)),
          Integer.parseInt(o.getOrDefault("max-samples", "" + d.maxSamples)),
          Boolean.parseBoolean(o.getOrDefault("label-order", "names").equals("published") ? "true" : "false"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("monthly strategy option: " + e.getMessage());
    }
  }
}
