package io.finbert4j.core.dense;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_DIM_VAL;

import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exact int8 product {@code c = a·b} (s8 × s8, int32 accumulation, stored as float32 or int32) on oneDNN 3
 * matmul primitives, for {@code io.finbert4j.core.quant.QuantizedLinear}: replaces the ND4J {@code Mmul} that
 * needed ND4J's separate oneDNN 2.5 + AVX-512 native build. The row count is a runtime dimension, so there is one
 * primitive per (K, N, output type): BERT has four. Those few primitives are process-wide (shared by every int8
 * model; freed at exit), unlike {@link OneDnnDense}'s, which its model owns.
 *
 * <p>Kernel: with AVX512-VNNI / AVX-VNNI / AMX-INT8 oneDNN runs brgemm int8 kernels; on plain AVX2 (AMD Zen 2) its
 * {@code gemm:jit} s8 kernel, exact but about as fast as float32 (measured 115–181 GOP/s at BERT's shapes).
 */
public final class OneDnnInt8 {
  private record Key(long k, long n, boolean int32Out) {}

  private record Entry(matmul prim, matmul.primitive_desc pd, String impl, memory.desc scratchpad,
      long scratchpadBytes) {}

  private static final ConcurrentHashMap<Key, Entry> PRIMITIVES = new ConcurrentHashMap<>();
  private static final class LanesHolder {
    static final Lanes LANES = new Lanes(OneDnn.engine());
  }

  private OneDnnInt8() {}

  /**
   * {@code c = a·b}, exact integer sums.
   *
   * @param a [M, K] int8, dense row-major
   * @param b [K, N] int8, dense row-major
   * @param c [M, N] float32 or int32, dense row-major (overwritten)
   * @throws IllegalStateException when oneDNN is not usable here ({@link OneDnn#status()})
   */
  public static void matmul(INDArray a, INDArray b, INDArray c) {
    long m = a.size(0);
    long k = a.size(1);
    long n = b.size(1);
    if (a.dataType() != DataType.INT8 || b.dataType() != DataType.INT8
        || (c.dataType() != DataType.FLOAT && c.dataType() != DataType.INT)) {
      throw new IllegalArgumentException("int8 matmul takes int8 × int8 → float/int32, got " + a.dataType() + " × "
          + b.dataType() + " → " + c.dataType());
    }
    if (b.size(0) != k || c.size(0) != m || c.size(1) != n) {
      throw new IllegalArgumentException("int8 matmul shapes do not chain: " + java.util.Arrays.toString(a.shape())
          + " · " + java.util.Arrays.toString(b.shape()) + " → " + java.util.Arrays.toString(c.shape()));
    }
    if (m == 0) {
      return;
    }
    boolean int32Out = c.dataType() == DataType.INT;
    var eng = OneDnn.engine();
    OneDnn.bindThreads();
    Entry e = PRIMITIVES.computeIfAbsent(new Key(k, n, int32Out), OneDnnInt8::create);
    Lanes.Lane lane = LanesHolder.LANES.borrow();
    try (PointerScope scope = new PointerScope()) {
      IntMemoryMap args = new IntMemoryMap();
      args.put(DNNL_ARG_SRC, new memory(
          new memory.desc(new long[] {m, k}, memory.data_type.s8, memory.format_tag.ab), eng, OneDnn.address(a)));
      args.put(DNNL_ARG_WEIGHTS, new memory(
          new memory.desc(new long[] {k, n}, memory.data_type.s8, memory.format_tag.ab), eng, OneDnn.address(b)));
      args.put(DNNL_ARG_DST, new memory(new memory.desc(new long[] {m, n},
          int32Out ? memory.data_type.s32 : memory.data_type.f32, memory.format_tag.ab), eng, OneDnn.address(c)));
      lane.execute(e.prim(), args, e.scratchpad(), e.scratchpadBytes(), eng);
    } finally {
      LanesHolder.LANES.giveBack(lane);
    }
  }

  /** The implementation oneDNN picks for an int8 product of this inner and output size (e.g. {@code gemm:jit}). */
  public static String implementation(long k, long n) {
    return PRIMITIVES.computeIfAbsent(new Key(k, n, false), OneDnnInt8::create).impl();
  }

  private static Entry create(Key key) {
    var eng = OneDnn.engine();
    try (PointerScope scope = new PointerScope()) {
      memory.desc src = new memory.desc(new long[] {DNNL_RUNTIME_DIM_VAL, key.k()}, memory.data_type.s8,
          memory.format_tag.ab);
      memory.desc wei = new memory.desc(new long[] {key.k(), key.n()}, memory.data_type.s8, memory.format_tag.ab);
      memory.desc dst = new memory.desc(new long[] {DNNL_RUNTIME_DIM_VAL, key.n()},
          key.int32Out() ? memory.data_type.s32 : memory.data_type.f32, memory.format_tag.ab);
      primitive_attr attr = new primitive_attr();
      attr.set_scratchpad_mode(scratchpad_mode.user); // each execution brings its lane's (see Lanes)
      matmul.primitive_desc pd = new matmul.primitive_desc(eng, src, wei, dst, attr, false);
      String impl = pd.impl_info_str().getString(); // before the primitive is made from pd
      matmul prim = new matmul(pd);
      memory.desc pad = pd.scratchpad_desc();
      pd.retainReference(); // the scope releases one reference: these outlive it
      prim.retainReference();
      pad.retainReference();
      return new Entry(prim, pd, impl, pad, pad.get_size());
    }
  }
}
