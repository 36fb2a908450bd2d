package io.finbert4j.core.nn;

import java.util.SplittableRandom;

/**
 * Forward-pass mode: eval (no dropout) or training with a seeded RNG. Dropout sites draw from the RNG
 * in forward order, so the same seed gives the same masks and the same gradients.
 */
public final class Mode {
  public static final Mode EVAL = new Mode(false, 0);

  private final boolean training;
  private final SplittableRandom rng;

  private Mode(boolean training, long seed) {
    this.training = training;
    this.rng = training ? new SplittableRandom(seed) : null;
  }

  public static Mode training(long seed) {
    return new Mode(true, seed);
  }

  public boolean training() {
    return training;
  }

  /** Independent stream for one dropout site (forward order is deterministic). */
  SplittableRandom split() {
    return rng.split();
  }
}
