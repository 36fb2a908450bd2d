package io.finbert4j.reliability;

import io.finbert4j.core.FinBert;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Load → predict → close, {@code cycles} times, of one model directory (the monthly fine-tune loads a fresh copy every
 * month), reporting RSS and live heap after each cycle's close. Exits non-zero if the last cycle's RSS is 10 % or
 * more above the first cycle's (the bound). Run by {@code scripts/soak.sh}.
 *
 * <p>{@code LoadCloseProbe <modelDir|finbert|mini> <cycles> <tokenizerDir>}
 */
public final class LoadCloseProbe {
  private static final double MAX_GROWTH_PERCENT = 10.0;

  private LoadCloseProbe() {}

  public static void main(String[] args) throws Exception {
    Path model = SoakProbe.modelDir(args[0], Path.of(args[2]));
    int cycles = Integer.parseInt(args[1]);
    List<String> texts = SoakProbe.texts(16, 7);
    ProcessMemory first = null;
    ProcessMemory max = null;
    long t0 = System.nanoTime();
    for (int c = 1; c <= cycles; c++) {
      try (FinBert f = FinBert.load(model)) {
        f.analyze(texts);
      }
      ProcessMemory m = ProcessMemory.now();
      if (first == null) {
        first = m;
      }
      if (max == null || m.rssBytes() > max.rssBytes()) {
        max = m;
      }
      System.out.printf(Locale.ROOT, "cycle %d: %s (RSS %+.2f %% vs cycle 1)%n", c, m, m.rssGrowthPercent(first));
    }
    ProcessMemory last = ProcessMemory.now();
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "%d cycles in %.0f s; cycle 1 %s; last %s (RSS %+.2f %%); highest RSS %.1f MiB%n",
        cycles, secs, first, last, last.rssGrowthPercent(first), max.rssBytes() / 1048576.0);
    boolean ok = last.rssGrowthPercent(first) < MAX_GROWTH_PERCENT;
    System.out.println(ok ? "PASS: RSS within 10 % of the first cycle" : "FAIL: RSS grew by 10 % or more");
    System.exit(ok ? 0 : 1);
  }
}
