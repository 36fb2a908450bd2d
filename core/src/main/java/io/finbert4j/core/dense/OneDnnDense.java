package io.finbert4j.core.dense;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_DIM_VAL;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The dense products on oneDNN matmul primitives. The row count (M = B·T, and the reduction of the weight
 * gradient) is a runtime dimension, so one primitive per (product, K, N, epilogue) serves every batch shape: BERT
 * has four such shapes per direction, so the cache stays a handful of primitives however the batches vary, and
 * nothing is ever rebuilt. Weights are read in place from the live parameter ({@code format_tag.ba} for W [N, K]
 * seen as the matmul's {K, N}): training updates are seen at once, nothing is packed or kept twice.
 *
 * <p>Why not pre-packed weights: measured side by side on the AMD EPYC Zen 2 build host (noisy, shared), the
 * runtime-M primitive (oneDNN's {@code gemm:jit:f32}) ran 92–171 GFLOP/s at BERT's shapes, a fixed-M primitive
 * on plain weights 82–153, on weights reordered to its own layout 97–148 (ahead only at 16 rows, by 15–30 %), and
 * OpenBLAS 0.3.31 37–134. A per-M cache of packed weights would have to be invalidated on every optimizer step.
 * On the Intel Xeon with AMX (2 Dec 2026, PASSIVE OpenMP) fixed M on packed weights ran 1.2–1.7× the runtime-M
 * float32 primitive at 16 rows and 1.0–1.6× at 64, about equal at 1536 rows (both near the 306 GFLOP/s peak).
 * The bf16 forward ({@code bf16} backends, inference views only) does pack: its weights are a snapshot anyway.
 *
 * <p>Epilogues: the bias is the primitive's bias argument; the exact erf GELU ({@code eltwise_gelu_erf}) is a
 * post-op (eval only: training keeps the pre-activation for the backward); accumulation ({@code dX +=},
 * {@code dW +=}) is a sum post-op. Arguments oneDNN would not take here (DOUBLE, views that are not dense
 * row-major) go to {@link BlasDense}.
 *
 * <p>Thread-safe: primitives are shared, and each call borrows a stream with its own scratchpad from a pool
 * ({@link Lanes}: with oneDNN's own scratchpad a primitive must not run on two threads). {@link #close} waits for
 * calls in flight, then frees everything; later calls use {@link BlasDense}.
 */
public final class OneDnnDense implements DenseBackend {
  private enum Op { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS }

  /** The operands' type: float32, bf16 with weights packed once (inference views), bf16 rounded per call. */
  private enum Kind { F32, BF16_PACKED, BF16 }

  private record Key(Op op, long k, long n, boolean bias, boolean gelu, boolean sum, Kind kind) {}

  /** A primitive with what it was made from (all freed together). */
  private record Entry(Key key, matmul prim, matmul.primitive_desc pd, String impl, memory.desc scratchpad,
      long scratchpadBytes) {}

  private final engine eng;
  private final boolean bf16; // bf16 forward products on packed weights (inference views)
  private final boolean bf16Training; // every product in bf16, operands rounded per call
  private final ConcurrentHashMap<Key, Entry> primitives = new ConcurrentHashMap<>();
  private final Lanes lanes;
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  /** float32 products. */
  public OneDnnDense() {
    this(false);
  }

  /**
   * @param bf16 run the forward products in bf16 (x rounded to bf16 per call, W reordered once to bf16 in the
   *     primitive's layout, f32 accumulation, bias and output): for {@code --precision bf16} views, eval only;
   *     only where {@link OneDnn#cpuHasBf16()} (elsewhere oneDNN has no fast bf16 kernel). The backward products
   *     stay float32.
   */
  public OneDnnDense(boolean bf16) {
    this(bf16, false);
  }

  private OneDnnDense(boolean bf16, boolean bf16Training) {
    this.eng = OneDnn.engine();
    this.lanes = new Lanes(eng);
    this.bf16 = bf16;
    this.bf16Training = bf16Training;
  }

  /**
   * bf16 training ({@code finetune --precision bf16}): the forward product and both backward products take bf16
   * operands — x, W and dY rounded to bf16 on every call, so each optimizer step's float32 master weights are seen
   * at once — with float32 accumulation, bias and outputs ({@code dX}, {@code dW} float32). Only where
   * {@link OneDnn#cpuHasBf16()}.
   */
  public static OneDnnDense bf16Training() {
    return new OneDnnDense(false, true);
  }

  @Override
  public void forward(INDArray x, INDArray w, INDArray bias, INDArray y, boolean gelu) {
    long m = x.size(0);
    long k = x.size(1);
    long n = w.size(0);
    if (!(dense(x) && dense(w) && dense(y) && (bias == null || dense(bias)))) {
      if (gelu) {
        throw new IllegalArgumentException("the fused GELU needs dense row-major float32 arguments, got x "
            + x.dataType() + " " + x.ordering() + " " + java.util.Arrays.toString(x.shape()));
      }
      BlasDense.INSTANCE.forward(x, w, bias, y, false);
      return;
    }
    Key key = new Key(Op.FORWARD, k, n, bias != null, gelu, false,
        bf16 ? Kind.BF16_PACKED : bf16Training ? Kind.BF16 : Kind.F32);
    run(key, m, (lane, e) -> {
      IntMemoryMap args = new IntMemoryMap();
      if (bf16) { // x rounded to bf16 in the lane; W reordered once to the primitive's bf16 layout
        args.put(DNNL_ARG_SRC, bf16Mem(lane, 0, x, new long[] {m, k}, memory.format_tag.ab));
        args.put(DNNL_ARG_WEIGHTS, packed(w, e));
      } else if (bf16Training) { // both rounded in the lane, W as it is now
        args.put(DNNL_ARG_SRC, bf16Mem(lane, 0, x, new long[] {m, k}, memory.format_tag.ab));
        args.put(DNNL_ARG_WEIGHTS, bf16Mem(lane, 1, w, new long[] {k, n}, memory.format_tag.ba));
      } else {
        args.put(DNNL_ARG_SRC, mem(x, new long[] {m, k}, memory.format_tag.ab));
        args.put(DNNL_ARG_WEIGHTS, mem(w, new long[] {k, n}, memory.format_tag.ba));
      }
      if (bias != null) {
        args.put(DNNL_ARG_BIAS, mem(bias, new long[] {1, n}, memory.format_tag.ab));
      }
      args.put(DNNL_ARG_DST, mem(y, new long[] {m, n}, memory.format_tag.ab));
      return args;
    });
  }

  @Override
  public boolean fusesGelu() {
    return true;
  }

  @Override
  public void backwardData(INDArray dY, INDArray w, INDArray dX, boolean accumulate) {
    long m = dY.size(0);
    long n = dY.size(1);
    long k = w.size(1);
    if (!(dense(dY) && dense(w) && dense(dX))) {
      BlasDense.INSTANCE.backwardData(dY, w, dX, accumulate);
      return;
    }
    Key key = new Key(Op.BACKWARD_DATA, n, k, false, false, accumulate, bf16Training ? Kind.BF16 : Kind.F32);
    run(key, m, (lane, e) -> { // [M, N]·[N, K]
      IntMemoryMap args = new IntMemoryMap();
      if (bf16Training) {
        args.put(DNNL_ARG_SRC, bf16Mem(lane, 0, dY, new long[] {m, n}, memory.format_tag.ab));
        args.put(DNNL_ARG_WEIGHTS, bf16Mem(lane, 1, w, new long[] {n, k}, memory.format_tag.ab));
      } else {
        args.put(DNNL_ARG_SRC, mem(dY, new long[] {m, n}, memory.format_tag.ab));
        args.put(DNNL_ARG_WEIGHTS, mem(w, new long[] {n, k}, memory.format_tag.ab));
      }
      args.put(DNNL_ARG_DST, mem(dX, new long[] {m, k}, memory.format_tag.ab));
      return args;
    });
  }

  @Override
  public void backwardWeights(INDArray dY, INDArray x, INDArray dW) {
    long m = dY.size(0);
    long n = dY.size(1);
    long k = x.size(1);
    if (!(dense(dY) && dense(x) && dense(dW))) {
      BlasDense.INSTANCE.backwardWeights(dY, x, dW);
      return;
    }
    Key key = new Key(Op.BACKWARD_WEIGHTS, n, k, false, false, true, bf16Training ? Kind.BF16 : Kind.F32);
    run(key, m, (lane, e) -> { // [N, M]·[M, K], M at run time
      IntMemoryMap args = new IntMemoryMap();
      if (bf16Training) {
        args.put(DNNL_ARG_SRC, bf16Mem(lane, 0, dY, new long[] {n, m}, memory.format_tag.ba));
        args.put(DNNL_ARG_WEIGHTS, bf16Mem(lane, 1, x, new long[] {m, k}, memory.format_tag.ab));
      } else {
        args.put(DNNL_ARG_SRC, mem(dY, new long[] {n, m}, memory.format_tag.ba)); // dYᵀ: dY [M, N] transposed
        args.put(DNNL_ARG_WEIGHTS, mem(x, new long[] {m, k}, memory.format_tag.ab));
      }
      args.put(DNNL_ARG_DST, mem(dW, new long[] {n, k}, memory.format_tag.ab));
      return args;
    });
  }

  @Override
  public String describe() {
    OneDnn.Status s = OneDnn.status();
    StringBuilder impls = new StringBuilder();
    primitives.values().stream().map(Entry::impl).distinct().forEach(i -> impls.append(impls.length() == 0 ? "" : ", ").append(i));
    return "oneDNN " + s.version() + " matmul (ISA " + s.isa() + ", " + OneDnn.threads() + " threads"
        + (bf16 ? ", bf16 forward" : bf16Training ? ", bf16 training" : "") + ", kernels " + (impls.length() == 0 ? s.impl() : impls) + ")";
  }

  /** The implementations of the primitives built so far, e.g. {@code [gemm:jit:f32]} (tests, logs). */
  public List<String> implementations() {
    return primitives.values().stream().map(Entry::impl).distinct().sorted().toList();
  }

  /** The number of primitives built so far. */
  public int implementationCount() {
    return primitives.size();
  }

  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Entry e : primitives.values()) {
        e.prim().close();
        e.scratchpad().close();
        e.pd().close();
      }
      primitives.clear();
      for (memory m : packed.values()) {
        m.releaseReference();
      }
      packed.clear();
      lanes.close();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** Whether this backend has been closed. */
  public boolean isClosed() {
    lifecycle.readLock().lock();
    try {
      return closed;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private interface ArgsBuilder {
    /** The arguments of one execution on {@code lane} of primitive {@code e} (memories in the call's scope). */
    IntMemoryMap build(Lanes.Lane lane, Entry e);
  }

  /** A weight (by address and shape) in the layout of one primitive (each chooses its own). */
  private record PackKey(long address, long k, long n, Key primitive) {}

  /** bf16 weights in their primitives' layout, by the float32 weight's address and shape (a bf16 backend's). */
  private final ConcurrentHashMap<PackKey, memory> packed = new ConcurrentHashMap<>();

  /**
   * {@code w} [N, K] float32 as the bf16 weights of forward primitive {@code e}, in the layout it chose: reordered
   * (rounded to nearest even) on first use and kept. The bf16 view reads its weights once, as the int8 view does.
   */
  private memory packed(INDArray w, Entry e) {
    return packed.computeIfAbsent(new PackKey(OneDnn.address(w).address(), w.size(1), w.size(0), e.key()), pk -> {
      try (PointerScope scope = new PointerScope()) {
        memory.desc want = e.pd().weights_desc();
        memory dst = new memory(want, eng); // oneDNN allocates and owns the buffer
        memory src = mem(w, new long[] {pk.k(), pk.n()}, memory.format_tag.ba);
        Lanes.Lane lane = lanes.borrow();
        try {
          new reorder(src, dst).execute(lane.stream, src, dst);
          lane.stream._wait();
        } finally {
          lanes.giveBack(lane);
        }
        dst.retainReference(); // outlives the scope; freed by close()
        return dst;
      }
    });
  }

  /** Executes the primitive of {@code key} on the memories {@code args} builds (freed when the call returns). */
  private void run(Key key, long rows, ArgsBuilder args) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("this oneDNN dense backend is closed (its model was closed)");
      }
      if (rows == 0) {
        return;
      }
      OneDnn.bindThreads();
      Entry e = primitives.computeIfAbsent(key, this::create);
      Lanes.Lane lane = lanes.borrow();
      try (PointerScope scope = new PointerScope()) {
        lane.execute(e.prim(), args.build(lane, e), e.scratchpad(), e.scratchpadBytes(), eng);
      } finally {
        lanes.giveBack(lane);
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Builds the primitive for {@code key}; the descriptors and attributes are freed, the primitive kept. */
  private Entry create(Key key) {
    memory.data_type f32 = memory.data_type.f32;
    long rt = DNNL_RUNTIME_DIM_VAL;
    try (PointerScope scope = new PointerScope()) {
      memory.desc src;
      memory.desc wei;
      memory.desc dst;
      memory.data_type in = key.kind() == Kind.F32 ? f32 : memory.data_type.bf16; // src and weights
      switch (key.op()) {
        case FORWARD -> { // x [M, K] · (W [N, K])ᵀ; packed bf16: W in the primitive's own layout
          src = new memory.desc(new long[] {rt, key.k()}, in, memory.format_tag.ab);
          wei = new memory.desc(new long[] {key.k(), key.n()}, in,
              key.kind() == Kind.BF16_PACKED ? memory.format_tag.any : memory.format_tag.ba);
          dst = new memory.desc(new long[] {rt, key.n()}, f32, memory.format_tag.ab);
        }
        case BACKWARD_DATA -> { // dY [M, N] · W [N, K]; here key.k = N, key.n = K
          src = new memory.desc(new long[] {rt, key.k()}, in, memory.format_tag.ab);
          wei = new memory.desc(new long[] {key.k(), key.n()}, in, memory.format_tag.ab);
          dst = new memory.desc(new long[] {rt, key.n()}, f32, memory.format_tag.ab);
        }
        default -> { // dYᵀ [N, M] · X [M, K]; key.k = N, key.n = K
          src = new memory.desc(new long[] {key.k(), rt}, in, memory.format_tag.ba);
          wei = new memory.desc(new long[] {rt, key.n()}, in, memory.format_tag.ab);
          dst = new memory.desc(new long[] {key.k(), key.n()}, f32, memory.format_tag.ab);
        }
      }
      primitive_attr attr = new primitive_attr();
      attr.set_scratchpad_mode(scratchpad_mode.user); // each execution brings its lane's (see Lanes)
      post_ops po = new post_ops();
      if (key.sum()) {
        po.append_sum();
      }
      if (key.gelu()) {
        po.append_eltwise(algorithm.eltwise_gelu_erf, 0f, 0f);
      }
      attr.set_post_ops(po);
      matmul.primitive_desc pd = key.bias()
          ? new matmul.primitive_desc(eng, src, wei,
              new memory.desc(new long[] {1, key.n()}, f32, memory.format_tag.ab), dst, attr, false)
          : new matmul.primitive_desc(eng, src, wei, dst, attr, false);
      String impl = pd.impl_info_str().getString(); // before the primitive is made from pd
      matmul prim = new matmul(pd);
      memory.desc pad = pd.scratchpad_desc();
      pd.retainReference(); // the scope releases one reference: these outlive it
      prim.retainReference();
      pad.retainReference();
      return new Entry(key, prim, pd, impl, pad, pad.get_size());
    }
  }

  /** {@code a} rounded to bf16 in {@code lane}'s buffer {@code slot}, as a oneDNN memory of {@code dims}. */
  private memory bf16Mem(Lanes.Lane lane, int slot, INDArray a, long[] dims, memory.format_tag tag) {
    return new memory(new memory.desc(dims, memory.data_type.bf16, tag), eng, lane.bf16(slot, a, a.length()));
  }

  /** A oneDNN memory over {@code a}'s buffer (not copied); freed with the call's pointer scope. */
  private memory mem(INDArray a, long[] dims, memory.format_tag tag) {
    memory.desc d = new memory.desc(dims, memory.data_type.f32, tag);
    Pointer p = OneDnn.address(a);
    return new memory(d, eng, p);
  }

  /** Dense row-major float32 (a vector counts when it is contiguous). */
  private static boolean dense(INDArray a) {
    if (a.dataType() != DataType.FLOAT) {
      return false;
    }
    if (a.rank() == 1) {
      return a.elementWiseStride() == 1;
    }
    // a single row or column has an arbitrary stride along its unit dimension
    return a.rank() == 2 && a.ordering() == 'c' && (a.size(1) == 1 || a.stride(1) == 1)
        && (a.size(0) == 1 || a.stride(0) == a.size(1));
  }
}
