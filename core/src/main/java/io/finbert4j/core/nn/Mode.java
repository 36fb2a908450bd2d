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
  private final Int8Kernels int8; // null: float32 everywhere

  private Mode(boolean training, long seed, Int8Kernels int8) {
    this.training = training;
    this.rng = training ? new SplittableRandom(seed) : null;
    this.int8 = training ? null : int8;
  }

  private Mode(boolean training, long seed) {
    this(training, seed, null);
  }

  /**
   * Eval mode whose encoder projections run through {@code int8}'s kernels ({@code --precision int8});
   * {@code null} gives {@link #EVAL}. Training modes never use int8 (backward needs the float32 products).
   */
  public static Mode eval(Int8Kernels int8) {
    return int8 == null ? EVAL : new Mode(false, 0, int8);
  }

  /** The int8 kernels of an int8 eval mode, else null (float32). */
  public Int8Kernels int8() {
    return int8;
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
