package io.finbert4j.trading.score;

import java.util.List;
import java.util.Map;

/** A text classifier as the trading module sees it: labels, an identity for the cache, and batch scoring. */
public interface TextScorer {
  /** The label names, in id2label order. */
  List<String> labels();

  /** Identifies the model for the cache: a hash of its weights, config and vocabulary. */
  String fingerprint();

  /** The max length texts are cut to (part of the cache key). */
  int maxLength();

  /** Probabilities by label name, one map per text, in input order. */
  List<Map<String, Double>> score(List<String> texts);
}
