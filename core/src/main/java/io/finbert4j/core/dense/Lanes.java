package io.finbert4j.core.dense;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A pool of execution lanes: a oneDNN stream with its own scratchpad, lent to one primitive execution at a time.
 *
 * <p>Why: with the library-managed scratchpad (oneDNN's default build) every primitive of a thread shares one
 * scratchpad, and a primitive may only run on the thread that created it; the brgemm kernels (AVX-512, VNNI,
 * AMX) keep packed blocks and int8 compensation there, so two threads running one shared primitive corrupted each
 * other's results (seen on an Intel Xeon with AMX: int8 logits off by 0.07 under concurrency, exact alone). Our
 * primitives are created with {@code scratchpad_mode.user} and every execution gets the scratchpad of the lane it
 * borrowed, so any thread may run any primitive, concurrently. A lane's scratchpad grows to the largest any
 * primitive asks for and is kept (no allocation per call).
 */
final class Lanes {
  /** oneDNN's preferred alignment of buffers (a cache line; the brgemm kernels load whole lines). */
  private static final long ALIGN = 64;

  /** A native buffer that grows to the largest size asked of it and is kept; ALIGN-aligned. */
  private static final class Growing {
    private BytePointer block; // malloc'ed, ALIGN bytes more than the capacity
    private long capacity;

    /** The aligned address of at least {@code bytes} bytes (valid until the next larger request or close). */
    long address(long bytes) {
      if (bytes > capacity) {
        close();
        block = new BytePointer(bytes + ALIGN);
        block.retainReference(); // outlives the caller's pointer scope
        capacity = bytes;
      }
      return (block.address() + ALIGN - 1) & -ALIGN;
    }

    void close() {
      if (block != null) {
        block.releaseReference();
        block = null;
        capacity = 0;
      }
    }
  }

  /** One stream and its scratchpad; used by one execution at a time. */
  static final class Lane {
    final stream stream;
    private final Growing scratchpad = new Growing();
    private final Growing[] bf16 = {new Growing(), new Growing()}; // inputs rounded to bf16, per operand

    private Lane(engine eng) {
      this.stream = new stream(eng);
      stream.retainReference(); // a lane made inside a caller's pointer scope outlives it
    }

    /**
     * Runs {@code prim} on {@code args} (memories in the caller's pointer scope) with this lane's scratchpad
     * ({@code pad}, {@code padBytes}: the primitive's {@code scratchpad_desc()} and its size) and waits for it.
     */
    void execute(org.bytedeco.dnnl.primitive prim, org.bytedeco.dnnl.IntMemoryMap args, memory.desc pad,
        long padBytes, engine eng) {
      if (padBytes > 0) {
        args.put(org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD,
            new memory(pad, eng, new OneDnn.Address(scratchpad.address(padBytes))));
      }
      prim.execute(stream, args);
      stream._wait();
    }

    /**
     * {@code x}'s first {@code count} float32 values (dense) rounded to bf16 (nearest even) in this lane's buffer
     * {@code slot} (0 or 1: the two operands of one product), valid until the lane is given back.
     */
    Pointer bf16(int slot, org.nd4j.linalg.api.ndarray.INDArray x, long count) {
      long aligned = bf16[slot].address(2 * count);
      Bf16.round(OneDnn.address(x).address(), aligned, count);
      return new OneDnn.Address(aligned);
    }

    private void close() {
      stream.releaseReference();
      scratchpad.close();
      for (Growing g : bf16) {
        g.close();
      }
    }
  }

  private final engine eng;
  private final ConcurrentLinkedQueue<Lane> free = new ConcurrentLinkedQueue<>();
  private final List<Lane> all = new ArrayList<>();

  Lanes(engine eng) {
    this.eng = eng;
  }

  /** A free lane, or a new one (as many as there are concurrent calls). */
  Lane borrow() {
    Lane l = free.poll();
    if (l == null) {
      l = new Lane(eng);
      synchronized (all) {
        all.add(l);
      }
    }
    return l;
  }

  void giveBack(Lane l) {
    free.offer(l);
  }

  /** Frees every lane; callers guarantee that none is borrowed. */
  void close() {
    synchronized (all) {
      for (Lane l : all) {
        l.close();
      }
      all.clear();
    }
    free.clear();
  }
}
