package io.finbert4j.core.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on stderr: in interactive mode one line redrawn with {@code \r} (at most every
 * {@link #REDRAW_NANOS}); otherwise a full line every {@code periodSeconds} (silent if that is ≤ 0).
 */
public final class ProgressBar {
  static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR_WIDTH = 24;

  private final PrintWriter out;
  private final boolean interactive;
  private final long periodNanos;
  private final String label;
  private final long total;
  private final long startNanos = System.nanoTime();
  private long lastDraw;
  private boolean drewInteractive;

  /**
   * @param total units (examples) to process
   * @param periodSeconds non-interactive mode: seconds between lines (≤ 0: silent)
   */
  public ProgressBar(PrintWriter out, boolean interactive, double periodSeconds, String label, long total) {
    this.out = out;
    this.interactive = interactive;
    this.periodNanos = periodSeconds <= 0 ? Long.MAX_VALUE : (long) (periodSeconds * 1e9);
    this.label = label;
    this.total = total;
    this.lastDraw = startNanos;
  }

  /** Reports {@code done} units processed so far with the running loss. */
  public void update(long done, double loss) {
    long now = System.nanoTime();
    boolean last = done >= total;
    if (interactive) {
      if (now - lastDraw < REDRAW_NANOS && !last) {
        return;
      }
      out.print("\r" + line(done, loss, now));
      drewInteractive = true;
    } else {
      if (now - lastDraw < periodNanos) {
        return;
      }
      out.println(line(done, loss, now));
    }
    out.flush();
    lastDraw = now;
  }

  /** Ends the interactive line (a newline) so that later output starts on a fresh line. */
  public void finish() {
    if (interactive && drewInteractive) {
      out.println();
      out.flush();
    }
  }

  String line(long done, double loss, long now) {
    double secs = (now - startNanos) / 1e9;
    double rate = secs > 0 ? done / secs : 0;
    double eta = rate > 0 ? (total - done) / rate : Double.NaN;
    int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * Math.min(1.0, (double) done / total));
    String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
    return String.format(Locale.ROOT, "%s [%s] %d/%d loss %.4f %.1f ex/s ETA %s", label, bar, done, total, loss,
        rate, formatSeconds(eta));
  }

  static String formatSeconds(double s) {
    if (!Double.isFinite(s)) {
      return "--:--";
    }
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60)
        : String.format(Locale.ROOT, "%02d:%02d", t / 60, t % 60);
  }
}
