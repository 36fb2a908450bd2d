package io.finbert4j.core;

import io.finbert4j.core.dense.BlasDense;
import io.finbert4j.core.dense.DenseBackend;
import io.finbert4j.core.dense.OneDnn;
import io.finbert4j.core.quant.Int8Support;
import io.finbert4j.core.quant.Precision;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * A snapshot of what ND4J runs on, for {@code finbert info} and benchmark logs.
 *
 * @param backend CPU or CUDA
 * @param backendClass ND4J's backend class
 * @param blasVendor BLAS library ND4J reports ({@code OPENBLAS}, {@code MKL}, {@code CUBLAS}, ...)
 * @param blasKernel the OpenBLAS version and the kernel set ("core") it runs on this CPU ({@link BlasKernel})
 * @param threads OpenMP threads ND4J's native code uses (CPU backend) or its max worker threads
 * @param dataType ND4J's default floating-point data type
 * @param nd4jVersion version of {@code nd4j-api} on the classpath
 * @param cpuFeatures SIMD level the natives were built for and the CPU's, plus CPU flags when cheap to read
 * @param availableProcessors {@link Runtime#availableProcessors()}
 * @param javaVersion Java runtime version and vendor
 * @param denseLayers what runs the dense layers' products for float32 models (oneDNN with its ISA, kernel and
 *     threads, or ND4J's gemm with the reason oneDNN is not used)
 * @param lowPrecision whether {@code --precision int8} and {@code bf16} run here, and on what (or why not)
 */
public record BackendInfo(
    Backend backend,
    String backendClass,
    String blasVendor,
    String blasKernel,
    int threads,
    String dataType,
    String nd4jVersion,
    String cpuFeatures,
    int availableProcessors,
    String javaVersion,
    String denseLayers,
    String lowPrecision) {

  /** SIMD levels as libnd4j's {@code binaryLevel()} / {@code optimalLevel()} number them. */
  private static final String[] SIMD_LEVELS = {"generic", "x86-64", "avx2", "avx512"};
  /** The /proc/cpuinfo flags that matter for ND4J / OpenBLAS speed. */
  private static final List<String> INTERESTING_FLAGS =
      List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile");

  static BackendInfo collect() {
    Backend b = Backend.active();
    Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
    int threads;
    String features;
    try {
      var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
      threads = b == Backend.CPU ? ops.ompGetMaxThreads() : Nd4j.getEnvironment().maxThreads();
      features = "natives built for " + level(ops.binaryLevel()) + ", CPU supports "
          + level(ops.optimalLevel());
    } catch (RuntimeException | LinkageError e) {
      threads = Nd4j.getEnvironment().maxThreads();
      features = "unknown (" + e.getClass().getSimpleName() + ")";
    }
    String flags = cpuFlags();
    if (!flags.isEmpty()) {
      features += "; flags: " + flags;
    }
    return new BackendInfo(
        b,
        Nd4j.getBackend().getClass().getName(),
        env.getProperty("blas.vendor", "unknown"),
        BlasKernel.detect().describe(),
        threads,
        Nd4j.dataType().toString(),
        readNd4jVersion(),
        features,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")",
        describeDenseLayers(),
        describeLowPrecision());
  }

  /** The float32 dense backend a model gets here, described; with oneDNN's verdict when it is not oneDNN. */
  private static String describeDenseLayers() {
    try (DenseBackend d = DenseBackend.create(org.nd4j.linalg.api.buffer.DataType.FLOAT)) {
      return d.describe() + (d instanceof BlasDense ? "; oneDNN: " + OneDnn.status().reason() : "");
    } catch (RuntimeException e) {
      return "unavailable (" + e.getMessage() + ")";
    }
  }

  private static String describeLowPrecision() {
    String bf16 = Precision.bf16Status();
    return "int8: " + Int8Support.status().reason() + "; bf16: " + (bf16 == null ? "runs (oneDNN bf16 products: packed bf16 weights, f32 accumulation)" : bf16);
  }

  private static String level(int l) {
    return l >= 0 && l < SIMD_LEVELS.length ? SIMD_LEVELS[l] : "level " + l;
  }

  /** The interesting flags of the first CPU in /proc/cpuinfo; empty where that file does not exist. */
  private static String cpuFlags() {
    Set<String> have = BlasKernel.cpuFlags();
    List<String> out = new ArrayList<>();
    for (String f : INTERESTING_FLAGS) {
      if (have.contains(f)) {
        out.add(f);
      }
    }
    return String.join(" ", out);
  }

  /** The nd4j-api version from its Maven metadata (its jar manifest carries none). */
  static String readNd4jVersion() {
    try (InputStream in =
        Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through to the manifest
    }
    String v = Nd4j.class.getPackage().getImplementationVersion();
    return v == null ? "unknown" : v;
  }

  /** The fields as ordered name → value pairs (for tables and JSON). */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("backend", backend.name());
    m.put("backend class", backendClass);
    m.put("BLAS vendor", blasVendor);
    m.put("BLAS kernel", blasKernel);
    m.put("threads", Integer.toString(threads));
    m.put("data type", dataType);
    m.put("ND4J version", nd4jVersion);
    m.put("CPU features", cpuFeatures);
    m.put("available processors", Integer.toString(availableProcessors));
    m.put("Java", javaVersion);
    m.put("dense layers", denseLayers);
    m.put("int8 / bf16", lowPrecision);
    return m;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    asMap().forEach((k, v) -> sb.append(String.format("%-21s %s%n", k + ":", v)));
    return sb.toString();
  }
}
