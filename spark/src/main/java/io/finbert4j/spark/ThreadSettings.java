package io.finbert4j.spark;

import io.finbert4j.core.nn.Kernels;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads one task's model calls may use, set once per JVM before its first model is loaded: OpenBLAS (the
 * gemms), libnd4j's OpenMP and worker threads, and the parts our Java kernels split into
 * ({@code finbert.kernel.threads}, read once by {@link Kernels}). With {@code k} concurrent tasks of {@code n}
 * threads each, an executor then runs about {@code k × n} busy threads, which is its core count when
 * {@code n = spark.task.cpus}. Spark also sets {@code OMP_NUM_THREADS = spark.task.cpus} in executors'
 * environment, but OpenBLAS's pthread pool and our kernels do not read it; this class does not rely on it.
 *
 * <p>All of these are process-wide: the first value wins. A later, different request (two transformers with
 * different {@code numThreads} in one JVM) is logged once and otherwise ignored.
 */
public final class ThreadSettings {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadSettings.class);
  /** The property {@link Kernels} reads once. */
  static final String KERNEL_THREADS_PROPERTY = "finbert.kernel.threads";

  private static int applied; // 0 until the first apply; guarded by the class lock
  private static boolean warned;

  private ThreadSettings() {}

  /**
   * Applies {@code threads} to every thread pool a model call uses, the first time this JVM asks; later calls only
   * compare. Returns the thread count in effect.
   */
  public static synchronized int applyOnce(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (applied == 0) {
      System.setProperty(KERNEL_THREADS_PROPERTY, Integer.toString(threads));
      Nd4j.getEnvironment().setMaxThreads(threads);
      Nd4j.getEnvironment().setMaxMasterThreads(threads);
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
      Nd4j.factory().blas().setMaxThreads(threads);
      applied = threads;
      int kernels = Kernels.threads();
      if (kernels != threads) {
        // Kernels was used before in this JVM (a FinBert loaded outside Spark, e.g. on a local-mode driver)
        LOG.warn("finbert4j: the Java kernels of this JVM were already set up for {} threads; tasks asked for {}. "
            + "Start the JVM with -D{}={} to match.", kernels, threads, KERNEL_THREADS_PROPERTY, threads);
      }
      LOG.info("finbert4j: model threads per task = {} (BLAS, OpenMP, Java kernels)", threads);
    } else if (applied != threads && !warned) {
      warned = true;
      LOG.warn("finbert4j: this JVM's model threads are already {}; a request for {} is ignored (the setting is "
          + "process-wide)", applied, threads);
    }
    return applied;
  }

  /** The thread count applied in this JVM, 0 before the first {@link #applyOnce}. */
  public static synchronized int applied() {
    return applied;
  }

  /** The BLAS library's current thread count (what the gemms run on). */
  public static int blasThreads() {
    return Nd4j.factory().blas().getMaxThreads();
  }
}
