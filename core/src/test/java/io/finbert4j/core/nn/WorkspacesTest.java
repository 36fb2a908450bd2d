package io.finbert4j.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-thread workspaces of ended threads are destroyed by the next pass on any thread (ND4J alone would free
 * them only at some later GC: one full-size workspace per thread that ever ran a pass).
 */
class WorkspacesTest {
  private static final String ID = "finbert4j-workspaces-test";

  @Test
  void aPassOnAnotherThreadDestroysTheWorkspaceOfAnEndedThread() throws Exception {
    AtomicReference<MemoryWorkspace> theirs = new AtomicReference<>();
    AtomicLong theirSize = new AtomicLong();
    Thread worker = new Thread(() -> {
      for (int pass = 0; pass < 2; pass++) { // the first pass learns the size, the second runs in the workspace
        Workspaces.run(ID, () -> {
          Nd4j.create(DataType.FLOAT, 1024, 1024).assign(1f); // 4 MiB
          theirs.set(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(ID));
          return null;
        });
      }
    });
    worker.start();
    worker.join();
    theirSize.set(theirs.get().getCurrentSize());
    assertTrue(Workspaces.owners().contains(worker), "the worker's workspace was registered");

    Workspaces.run(ID, () -> Nd4j.create(DataType.FLOAT, 4).sumNumber()); // a pass on this thread sweeps

    assertFalse(Workspaces.owners().contains(worker), "the ended worker is no longer an owner");
    assertTrue(Workspaces.owners().contains(Thread.currentThread()), "this live thread keeps its workspace");
    assertTrue(theirSize.get() >= 4L << 20, "the worker's workspace held its pass: " + theirSize.get());
    assertEquals(0, theirs.get().getCurrentSize(), "the ended worker's workspace was destroyed");
    assertEquals(0, Workspaces.releaseDeadThreads(), "nothing is destroyed twice");
  }
}
