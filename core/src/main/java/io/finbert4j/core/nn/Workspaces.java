package io.finbert4j.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread ND4J workspaces for a whole forward (or forward + backward) pass. Every activation,
 * cache and temporary a pass allocates with Nd4j.create* lands in one block that is reused from call
 * to call, instead of a fresh malloc (and page faults: ~10 ms for a 32×48×1536 float array here) per
 * tensor. ND4J keeps workspaces per thread, so concurrent inference threads never share memory.
 *
 * <p>Only code whose results leave as Java arrays or scalars may run inside: every INDArray created in
 * the pass becomes invalid when it returns. Parameters and their gradients are allocated outside and
 * are only written in place.
 *
 * <p>ND4J frees a thread's workspaces only when their Java objects are garbage-collected, which with a small live
 * heap may be never: an application that runs predictions on short-lived threads (a thread per request, a pool that
 * retires idle threads) would keep one full-size workspace per thread that ever ran a pass (measured: +700 MB RSS per
 * new thread at 16 × 512 tokens). So every workspace entered here is registered with its thread, and each pass, like
 * {@link #releaseDeadThreads()}, first destroys the workspaces of threads that have ended.
 */
public final class Workspaces {
  private Workspaces() {}

  /** Inference passes (predictLogits, hidden states). */
  public static final String INFERENCE = "finbert4j-inference";
  /** Training passes (forward + backward; the caches live until backward ends). */
  public static final String TRAINING = "finbert4j-training";

  /** One encoder layer's backward temporaries, nested in {@link #TRAINING} and rewound per layer. */
  public static final String TRAINING_LAYER = "finbert4j-training-layer";

  /** Headroom over the largest pass seen, so that slightly longer batches don't spill. */
  private static final double OVERALLOCATION = 0.2;

  /*
   * Learns its size over the first passes and grows (REALLOCATE) when a larger batch spills;
   * BLOCK_LEFT rewinds to the start on every entry, so each pass reuses the same memory.
   */
  private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
      .initialSize(0)
      .overallocationLimit(OVERALLOCATION)
      .policyAllocation(AllocationPolicy.OVERALLOCATE)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policyReset(ResetPolicy.BLOCK_LEFT)
      .policySpill(SpillPolicy.REALLOCATE)
      .build();

  /** The workspaces each live (or not yet swept) thread has entered, by id. */
  private static final Map<Thread, Map<String, MemoryWorkspace>> OWNED = new ConcurrentHashMap<>();

  /**
   * Destroys the workspaces of threads that have ended (their memory goes back to the system now, not at some later
   * GC) and returns how many were destroyed. A dead thread can no longer touch its workspaces, so this is safe from
   * any thread.
   */
  public static int releaseDeadThreads() {
    if (OWNED.isEmpty()) {
      return 0;
    }
    int destroyed = 0;
    for (Thread t : OWNED.keySet()) {
      if (!t.isAlive()) {
        Map<String, MemoryWorkspace> spaces = OWNED.remove(t);
        if (spaces != null) {
          for (MemoryWorkspace ws : spaces.values()) {
            ws.destroyWorkspace(true);
            destroyed++;
          }
        }
      }
    }
    return destroyed;
  }

  /** Threads that currently own registered workspaces (ended ones included until the next sweep). */
  static List<Thread> owners() {
    return new ArrayList<>(OWNED.keySet());
  }

  private static MemoryWorkspace enter(String id) {
    MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    Map<String, MemoryWorkspace> mine = OWNED.computeIfAbsent(Thread.currentThread(), t -> new ConcurrentHashMap<>());
    if (mine.get(id) != ws) {
      mine.put(id, ws);
    }
    return ws;
  }

  /** Whether this thread is inside workspace {@code id} right now. */
  public static boolean active(String id) {
    return Nd4j.getWorkspaceManager().checkIfWorkspaceExistsAndActive(id);
  }

  /**
   * Runs {@code step} in the nested workspace {@code id} and copies its result out into the enclosing workspace
   * {@code parent} (which must be active), so that everything else {@code step} allocated is reused by the next
   * call.
   */
  public static INDArray scoped(String id, String parent, Supplier<INDArray> step) {
    try (MemoryWorkspace ws = enter(id)) {
      return step.get().leverageTo(parent);
    }
  }

  /** Bytes currently reserved by this thread's workspace {@code id} (0 if it does not exist). */
  public static long sizeBytes(String id) {
    if (!Nd4j.getWorkspaceManager().checkIfWorkspaceExists(id)) {
      return 0;
    }
    return Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(id).getCurrentSize();
  }

  /** Runs {@code pass} inside this thread's workspace {@code id}; its result must not hold INDArrays. */
  public static <T> T run(String id, Supplier<T> pass) {
    releaseDeadThreads();
    try (MemoryWorkspace ws = enter(id)) {
      return pass.get();
    }
  }
}
