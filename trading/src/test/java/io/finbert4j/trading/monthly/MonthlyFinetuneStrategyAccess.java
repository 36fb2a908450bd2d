package io.finbert4j.trading.monthly;

import java.util.List;

/** Test access to the package-private class rule. */
public final class MonthlyFinetuneStrategyAccess {
  private MonthlyFinetuneStrategyAccess() {}

  public static List<MonthlyFinetuneStrategy.Sample> classes(List<MonthlyFinetuneStrategy.Sample> raw, int keep) {
    return MonthlyFinetuneStrategy.classes(raw, keep);
  }
}
