package io.finbert4j.trading;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Strategies by name (the {@code --strategy} extension point). Each factory builds its strategy from the shared
 * settings and the context; {@link #create} attaches the {@link RiskRule} to whatever it builds.
 */
public final class Strategies {
  /** Builds a strategy. */
  public interface Factory {
    Strategy create(StrategySettings settings, StrategyContext context);
  }

  private static final Map<String, Factory> FACTORIES = new TreeMap<>();

  static {
    register(LongShortStrategy.NAME, LongShortStrategy::new);
    register(io.finbert4j.trading.monthly.MonthlySentimentStrategy.NAME,
        io.finbert4j.trading.monthly.MonthlySentimentStrategy::new);
    register(io.finbert4j.trading.monthly.MonthlyFinetuneStrategy.NAME,
        io.finbert4j.trading.monthly.MonthlyFinetuneStrategy::new);
  }

  private Strategies() {}

  public static synchronized void register(String name, Factory f) {
    FACTORIES.put(name, f);
  }

  public static synchronized Set<String> names() {
    return Set.copyOf(FACTORIES.keySet());
  }

  /** The named strategy with the risk rule attached (the rule does nothing when its threshold is above 1). */
  public static synchronized Strategy create(String name, StrategySettings settings, StrategyContext context) {
    Factory f = FACTORIES.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown strategy '" + name + "' (known: " + String.join(", ",
          new TreeMap<>(FACTORIES).keySet()) + ")");
    }
    Strategy s = f.create(settings, context);
    return settings.riskThreshold() <= 1 ? new RiskRule(s, settings) : s;
  }
}
