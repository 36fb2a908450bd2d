package io.finbert4j.weights.hub;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line, carriage-return-refreshed progress bar: {@code vocab.txt [#####.....] 52% 120.3/231.5 kB 3.1 MB/s}. */
final class ConsoleProgressBar implements ProgressListener {
  private static final int WIDTH = 30;
  /** Redraw at most this often (ns) so that a fast transfer does not flood the terminal. */
  private static final long REDRAW_NS = 100_000_000L;

  private final PrintStream out;
  private long startNs;
  private long startBytes;
  private long lastDrawNs;

  ConsoleProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public void started(String file, long totalBytes, long resumedFrom) {
    startNs = System.nanoTime();
    startBytes = resumedFrom;
    lastDrawNs = 0;
    draw(file, resumedFrom, totalBytes);
  }

  @Override
  public void advanced(String file, long bytesSoFar, long totalBytes) {
    long now = System.nanoTime();
    if (now - lastDrawNs >= REDRAW_NS) {
      lastDrawNs = now;
      draw(file, bytesSoFar, totalBytes);
    }
  }

  @Override
  public void finished(String file, long totalBytes) {
    draw(file, totalBytes, totalBytes);
    out.println();
    out.flush();
  }

  @Override
  public void retrying(String file, long bytesSoFar, String reason) {
    out.println();
    out.println("  " + file + ": transfer interrupted (" + reason + "), resuming at " + human(bytesSoFar));
    out.flush();
  }

  private void draw(String file, long done, long total) {
    double secs = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
    String rate = human((long) ((done - startBytes) / secs)) + "/s";
    StringBuilder sb = new StringBuilder("\r").append(file).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      sb.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      sb.append(String.format(Locale.ROOT, "%3d%% ", 100 * done / total));
      sb.append(human(done)).append('/').append(human(total));
    } else {
      sb.append(human(done));
    }
    sb.append(' ').append(rate).append("   ");
    out.print(sb);
    out.flush();
  }

  static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
