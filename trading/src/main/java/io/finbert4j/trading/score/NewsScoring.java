package io.finbert4j.trading.score;

import io.finbert4j.trading.ScoredItem;
import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.TextField;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores every news item once: distinct texts are looked up in the cache, the rest run through the model in chunks
 * (each chunk length-bucketed by the model, then committed to the cache in one transaction), with a progress line
 * (items/s, ETA).
 */
public final class NewsScoring {
  /** Texts per model call and cache transaction. */
  public static final int CHUNK = 256;

  private NewsScoring() {}

  /** The scored items plus how many distinct texts came from the cache and how many ran through the model. */
  public record Result(List<ScoredItem> items, int cached, int scored, double seconds) {}

  public static Result score(List<NewsItem> news, TextField field, TextScorer scorer, ScoreCache cache,
      PrintWriter progress) throws IOException {
    long t0 = System.nanoTime();
    Map<String, String> hashToText = new LinkedHashMap<>();
    List<String> itemHash = new ArrayList<>(news.size());
    for (NewsItem n : news) {
      String text = n.text(field);
      String h = ModelFingerprint.textHash(text);
      hashToText.putIfAbsent(h, text);
      itemHash.add(h);
    }
    List<String> hashes = new ArrayList<>(hashToText.keySet());
    Map<String, Map<String, Double>> probs = new HashMap<>();
    if (cache != null) {
      probs.putAll(cache.get(scorer.fingerprint(), scorer.maxLength(), hashes));
    }
    int cached = probs.size();
    List<String> todo = hashes.stream().filter(h -> !probs.containsKey(h)).toList();
    Progress bar = new Progress(progress, todo.size());
    for (int i = 0; i < todo.size(); i += CHUNK) {
      List<String> chunk = todo.subList(i, Math.min(todo.size(), i + CHUNK));
      List<Map<String, Double>> rs = scorer.score(chunk.stream().map(hashToText::get).toList());
      Map<String, Map<String, Double>> batch = new LinkedHashMap<>();
      for (int j = 0; j < chunk.size(); j++) {
        batch.put(chunk.get(j), rs.get(j));
      }
      if (cache != null) {
        cache.put(scorer.fingerprint(), scorer.maxLength(), batch);
      }
      probs.putAll(batch);
      bar.update(i + chunk.size());
    }
    bar.finish();
    List<ScoredItem> out = new ArrayList<>(news.size());
    for (int i = 0; i < news.size(); i++) {
      out.add(new ScoredItem(news.get(i), probs.get(itemHash.get(i))));
    }
    return new Result(out, cached, todo.size(), (System.nanoTime() - t0) / 1e9);
  }

  /** A one-line progress bar for scoring: items/s and ETA; redrawn with \r. */
  static final class Progress {
    private final PrintWriter out;
    private final long total;
    private final long start = System.nanoTime();
    private long last;
    private boolean drew;

    Progress(PrintWriter out, long total) {
      this.out = out;
      this.total = total;
    }

    void update(long done) {
      if (out == null || total == 0) {
        return;
      }
      long now = System.nanoTime();
      if (now - last < 200_000_000L && done < total) {
        return;
      }
      last = now;
      double secs = (now - start) / 1e9;
      double rate = secs > 0 ? done / secs : 0;
      double eta = rate > 0 ? (total - done) / rate : Double.NaN;
      int filled = (int) (24 * Math.min(1.0, (double) done / total));
      out.print(String.format(Locale.ROOT, "\rscoring [%s%s] %d/%d %.1f items/s ETA %s", "#".repeat(filled),
          ".".repeat(24 - filled), done, total, rate, Double.isFinite(eta) ? Math.round(eta) + " s" : "--"));
      out.flush();
      drew = true;
    }

    void finish() {
      if (drew) {
        out.println();
        out.flush();
      }
    }
  }
}
