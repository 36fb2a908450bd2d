package io.finbert4j.trading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.trading.data.NewsItem;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.score.NewsScoring;
import io.finbert4j.trading.score.ScoreCache;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCacheTest {
  @TempDir Path tmp;
  final List<NewsItem> news = SyntheticMarket.generate(SyntheticMarket.Spec.defaults()).news();

  @Test
  void secondRunScoresNothing() throws Exception {
    Path db = tmp.resolve("scores.sqlite");
    Fixtures.Oracle model = new Fixtures.Oracle();
    NewsScoring.Result first;
    try (ScoreCache c = ScoreCache.open(db)) {
      first = NewsScoring.score(news, TextField.DESCRIPTION, model, c, null);
    }
    int distinct = first.scored();
    assertTrue(distinct > 10 && first.cached() == 0);
    assertEquals(distinct, model.calls.get());
    try (ScoreCache c = ScoreCache.open(db)) {
      NewsScoring.Result second = NewsScoring.score(news, TextField.DESCRIPTION, model, c, null);
      assertEquals(0, second.scored());
      assertEquals(distinct, second.cached());
      assertEquals(first.items(), second.items());
    }
    assertEquals(distinct, model.calls.get(), "the model ran on zero texts the second time");
    // another model (fingerprint) or max length is another key
    try (ScoreCache c = ScoreCache.open(db)) {
      assertEquals(distinct, NewsScoring.score(news, TextField.DESCRIPTION, new Fixtures.Oracle("other"), c, null).scored());
    }
  }

  /**
   * Runs that open one new cache file at the same moment all succeed: switching a new file to WAL takes a lock
   * SQLite does not wait for, which once failed a CI run with SQLITE_BUSY ("database is locked") at open.
   */
  @Test
  void runsOpeningOneNewCacheAtOnceAllSucceed() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < 25; round++) {
        Path db = tmp.resolve("race-" + round + ".sqlite");
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
        List<Future<Long>> fs = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
          fs.add(pool.submit(() -> {
            start.await();
            try (ScoreCache c = ScoreCache.open(db)) {
              return c.size();
            }
          }));
        }
        for (Future<Long> f : fs) {
          assertEquals(0L, f.get(60, TimeUnit.SECONDS), "a new cache is empty");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void twoRunsAtOnceShareTheCache() throws Exception {
    Path db = tmp.resolve("shared.sqlite");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<NewsScoring.Result>> fs = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        fs.add(pool.submit(() -> {
          try (ScoreCache c = ScoreCache.open(db)) { // one connection each, as two processes would have
            return NewsScoring.score(news, TextField.DESCRIPTION, new Fixtures.Oracle(), c, null);
          }
        }));
      }
      NewsScoring.Result a = fs.get(0).get(60, TimeUnit.SECONDS);
      NewsScoring.Result b = fs.get(1).get(60, TimeUnit.SECONDS);
      assertEquals(a.items(), b.items());
    } finally {
      pool.shutdownNow();
    }
    try (ScoreCache c = ScoreCache.open(db)) {
      assertEquals("ok", c.integrityCheck());
      assertEquals(NewsScoring.score(news, TextField.DESCRIPTION, new Fixtures.Oracle(), null, null).scored(), c.size());
    }
  }

  @Test
  void twoProcessesAtOnceShareTheCache() throws Exception {
    Path db = tmp.resolve("two-processes.sqlite");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> ps = new ArrayList<>();
    for (String prefix : List.of("a", "b")) {
      ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CacheWriterMain.class.getName(),
          db.toString(), prefix, "40").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start());
    }
    for (Process p : ps) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), "a writer failed (database locked?)");
    }
    try (ScoreCache c = ScoreCache.open(db)) {
      assertEquals("ok", c.integrityCheck());
      assertEquals(2 * 40 * 50, c.size());
    }
  }

  @Test
  void sigkillLosesNothingCommitted() throws Exception {
    Path db = tmp.resolve("killed.sqlite");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CacheWriterMain.class.getName(),
        db.toString()).redirectErrorStream(true).start();
    int committed = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("committed ")) {
          committed = Integer.parseInt(line.substring(10).strip());
          if (committed >= 5) {
            break;
          }
        }
      }
      p.destroyForcibly(); // SIGKILL on Unix
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
    assertTrue(committed >= 5, "child never committed");
    try (ScoreCache c = ScoreCache.open(db)) {
      assertEquals("ok", c.integrityCheck());
      assertTrue(c.size() >= 50L * committed, c.size() + " rows after " + committed + " commits");
      assertEquals(0, c.size() % 50, "whole batches only: each is one transaction");
    }
  }
}
