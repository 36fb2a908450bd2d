package io.finbert4j.reliability;

import io.finbert4j.cli.onnx.RandomBert;
import io.finbert4j.core.FinBert;
import io.finbert4j.weights.BertConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Soak: predicts {@code texts} texts of mixed lengths (1 to 200 words, seeded) from {@code threads} threads sharing
 * one {@link FinBert} (a fixed pool), in batches of {@code batch}, and reports RSS and live heap after warm-up and
 * after each tenth, with the growth from the warm-up reading. Run by {@code scripts/soak.sh}; exits non-zero if either grows by
 * 5 % or more (the bound).
 *
 * <p>{@code SoakProbe <modelDir|finbert|mini> <texts> <threads> <batch> <warmupTexts> <tokenizerDir>}: {@code finbert}
 * and {@code mini} write a random model of that size (BERT-base 12×768, or 4×256) to a temporary directory first.
 */
public final class SoakProbe {
  private static final double MAX_GROWTH_PERCENT = 5.0;
  private static final String[] WORDS = ("operating profit rose fell to from eur mn million quarter net sales company "
      + "shares guidance outlook cut raised record year dividend analysts expected margin revenue growth decline "
      + "the a of in and for with after before its by said per cent %").split(" ");

  private SoakProbe() {}

  public static void main(String[] args) throws Exception {
    Path model = modelDir(args[0], Path.of(args[5]));
    int total = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    List<String> texts = texts(total + warmup, 20261201L);
    // one pool for the whole run, as a server would keep its request threads (threads that end are covered by
    // WorkspacesTest: their pass memory is released by the next pass)
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (FinBert f = FinBert.load(model)) {
      System.out.printf(Locale.ROOT, "model %s, %d texts after %d warm-up texts, %d threads, batch %d%n", args[0], total,
          warmup, threads, batch);
      // every pool thread first runs one batch of texts longer than the model's max length (truncated to it): the
      // largest batch there can be, so that its pass workspace reaches its final size before the baseline reading.
      // Without it each thread's workspace is reallocated (the old block freed, the new one touched) whenever a
      // batch longer than any before it comes: the readings then rose and fell by up to 14-22 % in a run.
      List<String> longest = new ArrayList<>();
      SplittableRandom r = new SplittableRandom(1);
      for (int i = 0; i < batch; i++) {
        longest.add(text(4 * MAX_WORDS, r));
      }
      runOnEveryThread(pool, f, longest, threads);
      run(pool, f, texts.subList(0, warmup), threads, batch);
      ProcessMemory warm = ProcessMemory.now();
      System.out.printf(Locale.ROOT, "after warm-up: %s%n", warm);
      long t0 = System.nanoTime();
      ProcessMemory half = null;
      ProcessMemory end = warm;
      double worstRss = 0;
      for (int tenth = 1; tenth <= 10; tenth++) {
        run(pool, f, texts.subList(warmup + total * (tenth - 1) / 10, warmup + total * tenth / 10), threads, batch);
        end = ProcessMemory.now();
        worstRss = Math.max(worstRss, end.rssGrowthPercent(warm));
        System.out.printf(Locale.ROOT, "at %3d %%: %s (RSS %+.2f %%, outside the heap %+.2f %%, live heap %+.2f %%), "
            + "%.0f s%n", tenth * 10, end, end.rssGrowthPercent(warm), end.outsideHeapGrowthPercent(warm),
            end.heapGrowthPercent(warm), (System.nanoTime() - t0) / 1e9);
        if (tenth == 5) {
          half = end;
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "summary: after warm-up %s; at 50 %% RSS %+.2f %%, heap %+.2f %%; at the end RSS "
          + "%+.2f %%, heap %+.2f %%; largest RSS growth at a tenth %+.2f %%%n", warm, half.rssGrowthPercent(warm),
          half.heapGrowthPercent(warm), end.rssGrowthPercent(warm), end.heapGrowthPercent(warm), worstRss);
      System.out.printf(Locale.ROOT, "%d texts in %.0f s (%.1f texts/s)%n", total, secs, total / secs);
      boolean ok = end.rssGrowthPercent(warm) < MAX_GROWTH_PERCENT && end.heapGrowthPercent(warm) < MAX_GROWTH_PERCENT;
      System.out.println(ok ? "PASS: growth under 5 %" : "FAIL: memory grew by 5 % or more");
      pool.shutdownNow();
      System.exit(ok ? 0 : 1);
    }
  }

  /** A model directory: an existing one, or a random model of the named size written to a temporary directory. */
  static Path modelDir(String spec, Path tokenizerDir) throws IOException {
    BertConfig cfg;
    switch (spec) {
      case "finbert" -> cfg = RandomBert.finbertBase();
      case "mini" -> cfg = RandomBert.finbertBase().toBuilder().numHiddenLayers(4).hiddenSize(256)
          .numAttentionHeads(4).intermediateSize(1024).build();
      default -> {
        return Path.of(spec);
      }
    }
    Path dir = Files.createTempDirectory("finbert4j-soak-" + spec);
    RandomBert.write(dir, cfg, 42, tokenizerDir);
    dir.toFile().deleteOnExit();
    return dir;
  }

  /** The longest text {@link #texts} draws, in words. */
  static final int MAX_WORDS = 200;

  /** {@code n} texts of 1..200 words (most short, some long: lengths drawn as 1 + 199·u³). */
  static List<String> texts(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      out.add(text(1 + (int) ((MAX_WORDS - 1) * u * u * u), r));
    }
    return out;
  }

  /** One text of {@code words} words (numbers like "13.1" between some: more word pieces, as in real news). */
  static String text(int words, SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words; w++) {
      sb.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
      if (r.nextInt(12) == 0) {
        sb.append(' ').append(r.nextInt(1000)).append('.').append(r.nextInt(10));
      }
    }
    return sb.toString();
  }

  /** Analyzes {@code texts} once on each of the {@code threads} pool threads (a barrier keeps them apart). */
  static void runOnEveryThread(ExecutorService pool, FinBert f, List<String> texts, int threads) throws Exception {
    CyclicBarrier together = new CyclicBarrier(threads);
    List<Future<?>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      tasks.add(pool.submit(() -> {
        together.await(); // all threads of the pool hold a task at once, so each runs it once
        f.analyze(texts);
        return null;
      }));
    }
    for (Future<?> task : tasks) {
      try {
        task.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a soak thread failed", e.getCause());
      }
    }
  }

  /** Analyzes {@code texts} on {@code threads} tasks of {@code pool} taking batches from a shared counter. */
  static void run(ExecutorService pool, FinBert f, List<String> texts, int threads, int batch) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      tasks.add(pool.submit(() -> {
        int from;
        while ((from = next.getAndAdd(batch)) < texts.size()) {
          f.analyze(texts.subList(from, Math.min(texts.size(), from + batch)));
        }
      }));
    }
    for (Future<?> task : tasks) {
      try {
        task.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("a soak thread failed", e.getCause());
      }
    }
  }
}
