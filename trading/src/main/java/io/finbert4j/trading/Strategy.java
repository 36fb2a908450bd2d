package io.finbert4j.trading;

import java.util.Optional;

/**
 * A trading rule: called once per session with a read-only view of the past; returns target weights, or empty to
 * leave the positions as they are. Implementations are registered by name in {@link Strategies}.
 */
public interface Strategy {
  String name();

  Optional<Decision> decide(PastView view);

  /** Figures the strategy adds to metrics.json after the run (e.g. fine-tuning time); none by default. */
  default java.util.Map<String, Object> report() {
    return java.util.Map.of();
  }
}
