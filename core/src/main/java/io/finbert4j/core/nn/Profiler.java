package io.finbert4j.core.nn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the time goes: an opt-in wall-clock profile of the encoder's operations (each gemm by role, the
 * attention products, softmax, LayerNorm, GELU, embeddings, the optimizer), so that a performance figure can be
 * explained rather than guessed. {@code finbert bench --profile} prints it.
 *
 * <p>Off by default; when off every probe is one static read and returns at once, so the hot path pays nothing
 * measurable. ND4J's CPU ops run synchronously on the calling thread, so wall time between two probes is the
 * op's time. Counters are global (all threads add into the same entries): profile one thread at a time.
 */
public final class Profiler {
  private static volatile boolean enabled;
  private static final Map<String, Entry> ENTRIES = new ConcurrentHashMap<>();

  private Profiler() {}

  /** One named operation's totals. */
  static final class Entry {
    final LongAdder nanos = new LongAdder();
    final LongAdder calls = new LongAdder();
    final DoubleAdder flops = new DoubleAdder();
  }

  /** A row of the report: totals since the last {@link #reset()}. */
  public record Row(String name, long calls, double seconds, double flops) {
    /** Achieved GFLOP/s, or NaN for operations without a FLOP count. */
    public double gflops() {
      return flops > 0 && seconds > 0 ? flops / seconds / 1e9 : Double.NaN;
    }
  }

  public static void enable(boolean on) {
    enabled = on;
  }

  public static boolean enabled() {
    return enabled;
  }

  public static void reset() {
    ENTRIES.clear();
  }

  /** A start time for {@link #stop}, or 0 when profiling is off. */
  public static long start() {
    return enabled ? System.nanoTime() : 0L;
  }

  /** Adds the time since {@code t0} (from {@link #start}) to {@code name}; no-op when {@code t0} is 0. */
  public static void stop(String name, long t0) {
    stop(name, t0, 0);
  }

  /** As {@link #stop(String, long)}, also counting {@code flops} floating-point operations. */
  public static void stop(String name, long t0, double flops) {
    if (t0 == 0L) {
      return;
    }
    long dt = System.nanoTime() - t0;
    Entry e = ENTRIES.computeIfAbsent(name, k -> new Entry());
    e.nanos.add(dt);
    e.calls.increment();
    e.flops.add(flops);
  }

  /** For consecutive operations: {@link #stop} {@code name} and return a new start time (0 when off). */
  public static long lap(String name, long t0, double flops) {
    stop(name, t0, flops);
    return start();
  }

  /** Totals since the last reset, largest time first. */
  public static List<Row> rows() {
    List<Row> out = new ArrayList<>();
    ENTRIES.forEach((k, e) -> out.add(new Row(k, e.calls.sum(), e.nanos.sum() / 1e9, e.flops.sum())));
    out.sort(Comparator.comparingDouble(Row::seconds).reversed());
    return out;
  }
}
