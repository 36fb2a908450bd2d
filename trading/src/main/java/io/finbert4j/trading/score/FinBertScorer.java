package io.finbert4j.trading.score;

import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link FinBert} as a {@link TextScorer}: length-bucketed batches ({@link FinBert#analyze(List)}), names from id2label. */
public final class FinBertScorer implements TextScorer {
  private final FinBert finbert;
  private final String fingerprint;

  public FinBertScorer(FinBert finbert, String fingerprint) {
    this.finbert = finbert;
    this.fingerprint = fingerprint;
  }

  /** Loads the model in {@code dir} with default options and fingerprints it. */
  public static FinBertScorer load(Path dir) throws IOException {
    return new FinBertScorer(FinBert.load(dir), ModelFingerprint.of(dir));
  }

  public static FinBertScorer of(FinBert finbert, Path dir) throws IOException {
    return new FinBertScorer(finbert, ModelFingerprint.of(dir));
  }

  public FinBert finbert() {
    return finbert;
  }

  @Override
  public List<String> labels() {
    return finbert.labels();
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public int maxLength() {
    return finbert.maxLength();
  }

  @Override
  public List<Map<String, Double>> score(List<String> texts) {
    List<SentimentResult> rs = finbert.analyze(texts);
    List<Map<String, Double>> out = new ArrayList<>(rs.size());
    for (SentimentResult r : rs) {
      out.add(r.probabilities());
    }
    return out;
  }
}
