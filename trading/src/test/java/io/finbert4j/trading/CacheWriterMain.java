package io.finbert4j.trading;

import io.finbert4j.trading.score.ScoreCache;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Child process of {@link ScoreCacheTest}: {@code CacheWriterMain DB [PREFIX [BATCHES]]} commits batches of 50 scores
 * (forever without BATCHES), saying so after each commit.
 */
public final class CacheWriterMain {
  public static void main(String[] args) throws Exception {
    try (ScoreCache c = ScoreCache.open(Path.of(args[0]))) {
      String prefix = args.length > 1 ? args[1] : "h";
      int max = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
      for (int b = 0; b < max; b++) {
        Map<String, Map<String, Double>> batch = new LinkedHashMap<>();
        for (int i = 0; i < 50; i++) {
          batch.put(prefix + b + "-" + i, Map.of("positive", 0.5, "negative", 0.25, "neutral", 0.25));
        }
        c.put("child", 64, batch);
        System.out.println("committed " + (b + 1));
        System.out.flush();
        Thread.sleep(5);
      }
    }
  }
}
