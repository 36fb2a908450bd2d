package io.finbert4j.core.nn;

import io.finbert4j.core.dense.DenseBackend;
import java.util.SplittableRandom;

/**
 * Forward-pass mode: eval (no dropout) or training with a seeded RNG. Dropout sites draw from the RNG
 * in forward order, so the same seed gives the same masks and the same gradients.
 */
public final class Mode {
  /** No dropout; a backward may follow (gradients without dropout, gradient checks). */
  public static final Mode EVAL = new Mode(false, 0, null, false);
  /** No dropout and no backward: layers may fuse epilogues that drop what a backward would need. */
  public static final Mode INFERENCE = new Mode(false, 0, null, true);

  private final boolean training;
  private final SplittableRandom rng;
  private final Int8Kernels int8; // null: float32 everywhere
  private final boolean inference; // no backward follows
  private final DenseBackend dense; // the encoder projections' backend (bf16), or null: the registry's

  private Mode(boolean training, long seed, Int8Kernels int8, boolean inference) {
    this(training, seed, int8, inference, null);
  }

  private Mode(boolean training, long seed, Int8Kernels int8, boolean inference, DenseBackend dense) {
    this.training = training;
    this.rng = training ? new SplittableRandom(seed) : null;
    this.int8 = training ? null : int8;
    this.inference = !training && inference;
    this.dense = training ? null : dense;
  }

  private Mode(boolean training, long seed) {
    this(training, seed, null, false);
  }

  /**
   * Inference mode (no backward follows) whose encoder projections run through {@code int8}'s kernels
   * ({@code --precision int8}); {@code null} gives {@link #INFERENCE}. Training modes never use int8 (backward needs
   * the float32 products).
   */
  public static Mode eval(Int8Kernels int8) {
    return int8 == null ? INFERENCE : new Mode(false, 0, int8, true);
  }

  /**
   * Inference mode whose encoder projections run on {@code dense} (the bf16 backend of a {@code --precision bf16}
   * view) unless {@code int8} is given; both null gives {@link #INFERENCE}.
   */
  public static Mode eval(Int8Kernels int8, DenseBackend dense) {
    return dense == null || int8 != null ? eval(int8) : new Mode(false, 0, null, true, dense);
  }

  /** The backend for the encoder's projections in this mode, or null for the parameters' own. */
  public DenseBackend dense() {
    return dense;
  }

  /** Whether no backward follows this forward (so caches may be left out and epilogues fused). */
  public boolean inference() {
    return inference;
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
