package io.finbert4j.core.train;

/**
 * Learning rate with linear warm-up then linear decay to 0, as Hugging Face's
 * {@code get_linear_schedule_with_warmup}: for optimizer step {@code s} (0-based: the first update uses s = 0, so
 * with warm-up it uses lr 0, as HF does)
 *
 * <pre>
 *   lr(s) = lr · s / warmup                          for s &lt; warmup
 *   lr(s) = lr · max(0, (total − s) / (total − warmup))   otherwise
 * </pre>
 */
public record LinearWarmupSchedule(double peakLr, long warmupSteps, long totalSteps) {
  public LinearWarmupSchedule {
    if (!(peakLr >= 0) || warmupSteps < 0 || totalSteps < 0) {
      throw new IllegalArgumentException(
          "schedule needs lr >= 0, warm-up >= 0 and total >= 0 steps, got " + peakLr + ", " + warmupSteps + ", "
              + totalSteps);
    }
  }

  /** Warm-up as a fraction of the total steps, rounded up like HF's {@code get_warmup_steps}. */
  public static LinearWarmupSchedule withWarmupFraction(double peakLr, double warmupFraction, long totalSteps) {
    if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
      throw new IllegalArgumentException("warm-up fraction must be in [0, 1], got " + warmupFraction);
    }
    return new LinearWarmupSchedule(peakLr, (long) Math.ceil(totalSteps * warmupFraction), totalSteps);
  }

  /** The learning rate of optimizer step {@code step} (0-based). */
  public double lr(long step) {
    if (step < warmupSteps) {
      return peakLr * (double) step / Math.max(1, warmupSteps);
    }
    return peakLr * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
  }
}
