package io.finbert4j.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One reading of this process's memory: resident set size (Linux {@code /proc/self/status} VmRSS: heap, off-heap ND4J
 * buffers, mapped files, code) and the Java heap in use right after a full GC (live data, not garbage).
 */
public record ProcessMemory(long rssBytes, long heapUsedBytes) {

  /** Reads both, after {@code System.gc()} so that the heap figure is live data. */
  public static ProcessMemory now() throws IOException {
    // twice, with a pause: the first GC finds dead direct and mapped buffers, whose Cleaners then free and unmap
    // them on the reference-handler thread
    System.gc();
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    if (rss < 0) {
      throw new IllegalStateException("no VmRSS in /proc/self/status: the memory probes need Linux");
    }
    return new ProcessMemory(rss, heap);
  }

  /** Relative growth of RSS from {@code base} to this reading, in percent. */
  public double rssGrowthPercent(ProcessMemory base) {
    return 100.0 * (rssBytes - base.rssBytes) / base.rssBytes;
  }

  /** Relative growth of the live heap from {@code base}, in percent. */
  public double heapGrowthPercent(ProcessMemory base) {
    return 100.0 * (heapUsedBytes - base.heapUsedBytes) / base.heapUsedBytes;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "RSS %.1f MiB, live heap %.1f MiB", rssBytes / 1048576.0, heapUsedBytes / 1048576.0);
  }
}
