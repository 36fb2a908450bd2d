package io.finbert4j.trading;

import java.util.Optional;

/**
 * A trading rule: called once per session with a read-only view of the past; returns target weights, or empty to
 * leave the positions as they are. Implementations are registered by name in {@link Strategies}.
 */
public interface Strategy {
  String name();

  Optional<Decision> decide(PastView view);
}
