package io.finbert4j.trading.monthly;

import io.finbert4j.trading.Decision;
import io.finbert4j.trading.PastView;
import io.finbert4j.trading.StrategyContext;
import io.finbert4j.trading.StrategySettings;
import java.time.Instant;

/**
 * The published monthly-sentiment algorithm ({@code --strategy monthly-sentiment}): each month the selected asset's
 * news of the previous 10 days, scored by the given model, exp-ramp weighted, decides long 100 % or short 25 %.
 */
public final class MonthlySentimentStrategy extends MonthlyStrategy {
  public static final String NAME = "monthly-sentiment";

  public MonthlySentimentStrategy(StrategySettings s, StrategyContext ctx) {
    super(MonthlySettings.fromOptions(ctx.options(), 10), ctx);
  }

  public MonthlySentimentStrategy(MonthlySettings m, StrategyContext ctx) {
    super(m, ctx);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  protected Decision decideFor(PastView view, Candidate c, Instant cutoff) {
    return position(c, window(view, c.symbol(), cutoff, m.newsDays()), cutoff, labels(view.labels().labels()), "");
  }
}
