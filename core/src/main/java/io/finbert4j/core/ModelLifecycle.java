package io.finbert4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Open → closed, once, for the off-heap memory of one set of parameters (a {@link ParameterRegistry} and everything
 * built on it: the model, its precision views, their int8 kernels). Calls that read the parameters run inside
 * {@link #use}, which holds a read lock: any number run at once, and {@link #close} waits for those in flight before
 * it frees anything, so a close racing a prediction can never free memory under it (a JVM crash). After close every
 * use fails with an IllegalStateException naming what was closed. Closing twice is harmless.
 */
final class ModelLifecycle {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final List<Runnable> releases = new ArrayList<>();
  private volatile boolean closed;

  /** Runs {@code call} while the parameters are guaranteed to stay allocated. */
  <T> T use(String what, Supplier<T> call) {
    lock.readLock().lock();
    try {
      checkOpen(what);
      return call.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Throws if closed (for accessors that do not run a pass). */
  void checkOpen(String what) {
    if (closed) {
      throw new IllegalStateException(what + ": the model has been closed and its weights released; load it again");
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Registers memory to free at close (run in registration order, after the ones before it). */
  void onClose(Runnable release) {
    lock.writeLock().lock();
    try {
      checkOpen("registering a resource");
      releases.add(release);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Waits for calls in flight, then frees everything registered; a second call does nothing. */
  void close() {
    if (lock.getReadHoldCount() > 0) {
      throw new IllegalStateException("close() called from inside a call on the same model");
    }
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException first = null;
      for (Runnable r : releases) {
        try {
          r.run();
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      releases.clear();
      if (first != null) {
        throw first;
      }
    } finally {
      lock.writeLock().unlock();
    }
  }
}
