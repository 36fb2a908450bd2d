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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Soak: predicts {@code texts} texts of mixed lengths (1 to 200 words, seeded) from {@code threads} threads sharing
 * one {@link FinBert}, in batches of {@code batch}, and reports RSS and live heap after warm-up, at 50 % and at the
 * end, with the growth from the warm-up reading. Run by {@code scripts/soak.sh}; exits non-zero if either grows by
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
    try (FinBert f = FinBert.load(model)) {
      System.out.printf(Locale.ROOT, "model %s, %d texts after %d warm-up texts, %d threads, batch %d%n", args[0], total,
          warmup, threads, batch);
      run(f, texts.subList(0, warmup), threads, batch);
      ProcessMemory warm = ProcessMemory.now();
      long t0 = System.nanoTime();
      run(f, texts.subList(warmup, warmup + total / 2), threads, batch);
      ProcessMemory half = ProcessMemory.now();
      run(f, texts.subList(warmup + total / 2, warmup + total), threads, batch);
      ProcessMemory end = ProcessMemory.now();
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "after warm-up: %s%n", warm);
      System.out.printf(Locale.ROOT, "at 50 %%:       %s (RSS %+.2f %%, heap %+.2f %%)%n", half,
          half.rssGrowthPercent(warm), half.heapGrowthPercent(warm));
      System.out.printf(Locale.ROOT, "at the end:    %s (RSS %+.2f %%, heap %+.2f %%)%n", end,
          end.rssGrowthPercent(warm), end.heapGrowthPercent(warm));
      System.out.printf(Locale.ROOT, "%d texts in %.0f s (%.1f texts/s)%n", total, secs, total / secs);
      boolean ok = end.rssGrowthPercent(warm) < MAX_GROWTH_PERCENT && end.heapGrowthPercent(warm) < MAX_GROWTH_PERCENT;
      System.out.println(ok ? "PASS: growth under 5 %" : "FAIL: memory grew by 5 % or more");
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

  /** {@code n} texts of 1..200 words (most short, some long: lengths drawn as 1 + 199·u³). */
  static List<String> texts(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double u = r.nextDouble();
      int words = 1 + (int) (199 * u * u * u);
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        sb.append(w == 0 ? "" : " ").append(WORDS[r.nextInt(WORDS.length)]);
        if (r.nextInt(12) == 0) {
          sb.append(' ').append(r.nextInt(1000)).append('.').append(r.nextInt(10));
        }
      }
      out.add(sb.toString());
    }
    return out;
  }

  /** Analyzes {@code texts} from {@code threads} threads taking batches from a shared counter. */
  static void run(FinBert f, List<String> texts, int threads, int batch) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          int from;
          while ((from = next.getAndAdd(batch)) < texts.size()) {
            f.analyze(texts.subList(from, Math.min(texts.size(), from + batch)));
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "soak-" + t);
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a soak thread failed", failure.get());
    }
  }
}
