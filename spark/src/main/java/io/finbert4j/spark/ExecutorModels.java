package io.finbert4j.spark;

import io.finbert4j.core.FinBert;
import io.finbert4j.core.FinBertOptions;
import io.finbert4j.core.quant.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per executor JVM, shared by all its tasks: a static, lazily filled, thread-safe holder keyed by
 * the resolved model directory and precision (what the weights in memory depend on). Batch size and max length are
 * applied per use with {@link FinBert#withOptions}, which reloads nothing, so two transformers that differ only in
 * those share one copy of the weights. The first task that needs a model loads it; concurrent tasks wait for that
 * load instead of starting their own. A failed load is not cached: the next task tries again.
 */
public final class ExecutorModels {
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

  private record Key(Path dir, Precision precision) {}

  private static final ConcurrentHashMap<Key, FinBert> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger LOADS = new AtomicInteger();

  private ExecutorModels() {}

  /**
   * The model of {@code spec} in this JVM, loaded on first use. Before the first load the JVM's model threads are set
   * ({@link ThreadSettings}) to {@code spec.numThreads()}, or to the running task's {@code spark.task.cpus}.
   */
  public static FinBert get(ModelSpec spec) {
    FinBertOptions options = spec.options();
    Path dir = ModelLocator.resolve(spec.model(), spec.revision());
    Key key = new Key(dir, spec.precision());
    FinBert model = MODELS.get(key);
    if (model == null) {
      model = MODELS.computeIfAbsent(key, k -> load(k, spec));
    }
    return model.options().equals(options) ? model : model.withOptions(options);
  }

  private static FinBert load(Key key, ModelSpec spec) {
    ThreadSettings.applyOnce(threadsFor(spec));
    long t0 = System.nanoTime();
    try {
      FinBert m = FinBert.load(key.dir(), new FinBertOptions(FinBertOptions.DEFAULT_BATCH_SIZE, 0, key.precision()));
      LOADS.incrementAndGet();
      LOG.info("finbert4j: loaded {} ({}) in {} ms", key.dir(), key.precision(), (System.nanoTime() - t0) / 1_000_000);
      if (m.precisionNotice() != null) {
        LOG.warn("finbert4j: {}", m.precisionNotice());
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load model " + key.dir() + " on " + ModelLocator.host() + ": "
          + e.getMessage(), e);
    }
  }

  /** {@code spec.numThreads()}, else the current task's CPUs ({@code spark.task.cpus}), else 1. */
  static int threadsFor(ModelSpec spec) {
    if (spec.numThreads() > 0) {
      return spec.numThreads();
    }
    TaskContext tc = TaskContext.get();
    return tc != null ? Math.max(1, tc.cpus()) : 1;
  }

  /** How many models this JVM has loaded so far (tests check that it is one per model, not per task). */
  public static int loadCount() {
    return LOADS.get();
  }
}
