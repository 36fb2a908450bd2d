package io.finbert4j.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One reading of this process's memory: resident set size (Linux {@code /proc/self/status} VmRSS: heap, off-heap ND4J
 * buffers, mapped files, code), the Java heap in use right after a full GC (live data, not garbage) and the heap the
 * JVM has committed (part of RSS once touched: the collector grows and shrinks it, which moves RSS without a leak).
 */
public record ProcessMemory(long rssBytes, long heapUsedBytes, long heapCommittedBytes) {

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
    var usage = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long heap = usage.getUsed();
    long rss = -1;
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    if (rss < 0) {
      throw new IllegalStateException("no VmRSS in /proc/self/status: the memory probes need Linux");
    }
    return new ProcessMemory(rss, heap, usage.getCommitted());
  }

  /** Relative growth of RSS from {@code base} to this reading, in percent. */
  public double rssGrowthPercent(ProcessMemory base) {
    return 100.0 * (rssBytes - base.rssBytes) / base.rssBytes;
  }

  /** Relative growth of the live heap from {@code base}, in percent. */
  public double heapGrowthPercent(ProcessMemory base) {
    return 100.0 * (heapUsedBytes - base.heapUsedBytes) / base.heapUsedBytes;
  }

  /** RSS less the committed Java heap: native memory (ND4J buffers and workspaces, malloc, code, mapped files). */
  public long outsideHeapBytes() {
    return rssBytes - heapCommittedBytes;
  }

  /** Relative growth of {@link #outsideHeapBytes()} from {@code base}, in percent. */
  public double outsideHeapGrowthPercent(ProcessMemory base) {
    return 100.0 * (outsideHeapBytes() - base.outsideHeapBytes()) / base.outsideHeapBytes();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "RSS %.1f MiB, live heap %.1f MiB (committed %.1f MiB)", rssBytes / 1048576.0,
        heapUsedBytes / 1048576.0, heapCommittedBytes / 1048576.0);
  }
}
