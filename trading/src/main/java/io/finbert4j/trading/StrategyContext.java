package io.finbert4j.trading;

import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.score.ScoreCache;
import io.finbert4j.trading.score.TextScorer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a strategy may use besides the past: the model that scored the news (and its directory, for strategies that
 * fine-tune a fresh copy of it), the score cache, the text field, a folder for its own report files, a log, a seed,
 * and free-form options ({@code --strategy-option key=value}).
 *
 * @param modelDir the base model's directory (null when the scorer is not a model directory)
 * @param scorer the model that scored the news
 * @param cache the score cache (null with --no-cache)
 * @param reportDir the report folder being written (strategies may add files under it)
 */
public record StrategyContext(Path modelDir, TextScorer scorer, ScoreCache cache, TextField text, Path reportDir,
    PrintWriter log, long seed, Map<String, String> options) {
  public StrategyContext {
    options = Map.copyOf(options);
  }

  public String option(String key, String dflt) {
    return options.getOrDefault(key, dflt);
  }
}
