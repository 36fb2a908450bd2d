package io.finbert4j.core.dense;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_RUNTIME_DIM_VAL;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * oneDNN 3.x in this JVM (through the {@code org.bytedeco:dnnl} presets): loads it once, holds the one CPU engine,
 * decides whether the dense layers should run on it ({@link #status()}), and makes its OpenMP thread count follow
 * ours ({@link #bindThreads()}).
 *
 * <p>Usable means: the natives load (a platform without a dnnl classifier fails here), a float32 matmul with a
 * runtime row count gets a non-reference implementation, and it agrees with a plain Java loop. Preferred (the
 * {@code auto} default) additionally needs x86-64, where its JIT kernels were measured ahead of OpenBLAS (AMD EPYC
 * Zen 2: 1.2–3× at BERT's shapes; Intel Xeon with AMX: see the README).
 */
public final class OneDnn {
  /** Rows, inner and output size of the self-test product (small: it runs once per JVM). */
  private static final int TEST_M = 7;
  private static final int TEST_K = 33;
  private static final int TEST_N = 19;
  /** Relative error allowed in the self-test (float32 sums of 33 products). */
  private static final double TEST_TOLERANCE = 1e-5;

  /**
   * Whether oneDNN runs the dense layers well here.
   *
   * @param usable it loads and a float32 matmul gets a checked, non-reference kernel
   * @param preferred usable and on x86-64 (the {@code auto} choice)
   * @param reason one line: why not, or what was found
   * @param version oneDNN version ({@code 3.11.0}), or "" when it did not load
   * @param isa the CPU ISA oneDNN dispatches to ({@code avx2}, {@code avx512_core_amx}, ...), or ""
   * @param impl the float32 matmul implementation chosen ({@code gemm:jit:f32}, ...), or ""
   */
  public record Status(boolean usable, boolean preferred, String reason, String version, String isa, String impl) {}

  private static final class Holder {
    static final engine ENGINE;
    static final Status STATUS;

    static {
      engine eng = null;
      Status s;
      try {
        eng = new engine(engine.kind.cpu, 0);
        s = probe(eng);
      } catch (Throwable t) { // UnsatisfiedLinkError / NoClassDefFoundError without natives for this platform
        s = new Status(false, false, "oneDNN did not load: " + t, "", "", "");
      }
      ENGINE = s.usable() ? eng : null;
      STATUS = s;
    }
  }

  private OneDnn() {}

  /** The probe's verdict (computed once per JVM). */
  public static Status status() {
    return Holder.STATUS;
  }

  /** The CPU engine; only when {@link #status()} is usable. */
  static engine engine() {
    if (Holder.ENGINE == null) {
      throw new IllegalStateException("oneDNN is not usable here: " + Holder.STATUS.reason());
    }
    return Holder.ENGINE;
  }

  /** Threads for the products: {@code finbert.kernel.threads}, else every available processor. */
  public static int threads() {
    return Math.max(1, Integer.getInteger("finbert.kernel.threads", Runtime.getRuntime().availableProcessors()));
  }

  private static final ThreadLocal<Boolean> BOUND = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /**
   * oneDNN's OpenMP runtime sizes its parallel regions by the calling thread's {@code omp_get_max_threads()}; set it
   * to {@link #threads()} once per calling thread (through ND4J's natives, which share the one libgomp), so that
   * oneDNN, ND4J and the Java kernels use the same number of cores and nothing is oversubscribed.
   */
  static void bindThreads() {
    if (!BOUND.get()) {
      try {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads());
      } catch (RuntimeException | LinkageError e) {
        // ND4J's natives missing: oneDNN keeps OpenMP's default (every core)
      }
      BOUND.set(Boolean.TRUE);
    }
  }

  /** The CPU flags of /proc/cpuinfo (empty where it cannot be read). */
  static Set<String> cpuFlags() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: no flags
    }
    return Set.of();
  }

  /** Whether the CPU has bf16 dot-product instructions oneDNN uses (AVX512-BF16, AMX-BF16, AVX-NE-CONVERT). */
  public static boolean cpuHasBf16() {
    Set<String> f = cpuFlags();
    return f.contains("avx512_bf16") || f.contains("amx_bf16") || f.contains("avx_ne_convert");
  }

  /** Whether the CPU has int8 dot-product instructions (AVX512-VNNI, AVX-VNNI, AMX-INT8). */
  public static boolean cpuHasInt8Dot() {
    Set<String> f = cpuFlags();
    return f.contains("avx512_vnni") || f.contains("avx_vnni") || f.contains("amx_int8");
  }

  private static Status probe(engine eng) {
    var v = dnnl.version();
    String version = v.major() + "." + v.minor() + "." + v.patch();
    String isa = dnnl.get_effective_cpu_isa().toString().toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    String impl;
    float[] got = new float[TEST_M * TEST_N];
    SplittableRandom rnd = new SplittableRandom(7);
    float[] x = new float[TEST_M * TEST_K];
    float[] w = new float[TEST_N * TEST_K]; // [N, K] as nn.Linear stores it
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) rnd.nextDouble(-1, 1);
    }
    try (PointerScope scope = new PointerScope()) {
      memory.data_type f32 = memory.data_type.f32;
      memory.desc src = new memory.desc(new long[] {DNNL_RUNTIME_DIM_VAL, TEST_K}, f32, memory.format_tag.ab);
      memory.desc wei = new memory.desc(new long[] {TEST_K, TEST_N}, f32, memory.format_tag.ba);
      memory.desc dst = new memory.desc(new long[] {DNNL_RUNTIME_DIM_VAL, TEST_N}, f32, memory.format_tag.ab);
      matmul.primitive_desc pd = new matmul.primitive_desc(eng, src, wei, dst, new primitive_attr(), false);
      impl = pd.impl_info_str().getString();
      if (impl.startsWith("ref")) {
        return new Status(false, false, "oneDNN " + version + " has only a reference matmul here (" + impl
            + ", ISA " + isa + ")", version, isa, impl);
      }
      org.bytedeco.javacpp.FloatPointer px = new org.bytedeco.javacpp.FloatPointer(x);
      org.bytedeco.javacpp.FloatPointer pw = new org.bytedeco.javacpp.FloatPointer(w);
      org.bytedeco.javacpp.FloatPointer py = new org.bytedeco.javacpp.FloatPointer(got.length);
      IntMemoryMap args = new IntMemoryMap();
      args.put(DNNL_ARG_SRC, new memory(
          new memory.desc(new long[] {TEST_M, TEST_K}, f32, memory.format_tag.ab), eng, px));
      args.put(DNNL_ARG_WEIGHTS, new memory(wei, eng, pw));
      args.put(DNNL_ARG_DST, new memory(
          new memory.desc(new long[] {TEST_M, TEST_N}, f32, memory.format_tag.ab), eng, py));
      stream s = new stream(eng);
      new matmul(pd).execute(s, args);
      s._wait();
      py.get(got);
    }
    for (int i = 0; i < TEST_M; i++) {
      for (int j = 0; j < TEST_N; j++) {
        double ref = 0;
        for (int k = 0; k < TEST_K; k++) {
          ref += (double) x[i * TEST_K + k] * w[j * TEST_K + k];
        }
        if (Math.abs(got[i * TEST_N + j] - ref) > TEST_TOLERANCE * Math.max(1, Math.abs(ref))) {
          return new Status(false, false, "oneDNN matmul self-test is wrong at (" + i + "," + j + "): "
              + got[i * TEST_N + j] + " vs " + ref, version, isa, impl);
        }
      }
    }
    String found = "oneDNN " + version + ", ISA " + isa + ", float32 matmul " + impl;
    return x86 ? new Status(true, true, found, version, isa, impl)
        : new Status(true, false, found + " (not x86-64: OpenBLAS stays the default; -D"
            + DenseBackend.PROPERTY + "=dnnl to use it)", version, isa, impl);
  }

  /** A pointer to {@code a}'s first element (its buffer's address plus its offset), owned by ND4J. */
  static Pointer address(INDArray a) {
    long addr = a.data().address() + a.offset() * a.data().getElementSize();
    return new Address(addr);
  }

  /** A borrowed native address (no deallocator: ND4J owns the memory). */
  static final class Address extends Pointer {
    Address(long addr) {
      this.address = addr;
    }
  }
}
