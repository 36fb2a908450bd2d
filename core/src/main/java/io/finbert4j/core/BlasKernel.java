package io.finbert4j.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which OpenBLAS kernel set (its "core") the process runs, and whether that is a slow fallback for this CPU.
 *
 * <p>Why this exists: OpenBLAS built with {@code DYNAMIC_ARCH} (as the JavaCPP presets are) picks one kernel table
 * per CPU at load time. A version that does not know a CPU model falls back to an old table: OpenBLAS 0.3.19 (what
 * ND4J 1.0.0-M2.1 ships) took current Intel Xeons (model 207) for a 2004 Pentium 4, "Prescott", and ran SSE3
 * kernels 5× slower than its AVX-512 ones. Nothing fails then; everything is just slow. So the kernel is reported
 * ({@code finbert info}, {@link FinBert#load}'s log) and a fallback on a CPU with AVX2 or AVX-512 is said once,
 * loudly, with the fix.
 *
 * <p>How the core is read: the presets do not map {@code openblas_get_corename()}, but a {@code DYNAMIC_ARCH}
 * library exports its dispatch pointer {@code gotoblas} and one table per core ({@code gotoblas_HASWELL},
 * {@code gotoblas_ZEN}, {@code gotoblas_SKYLAKEX}, ...). The core is the table {@code gotoblas} points to:
 * {@link Loader#addressof} finds the symbols in the loaded library, a {@link LongPointer} reads the pointer.
 *
 * @param library the OpenBLAS presets on the class path, e.g. {@code OpenBLAS 0.3.31-1.5.13}
 * @param core the kernel table in use, e.g. {@code ZEN}, {@code SKYLAKEX}, {@code PRESCOTT}; or a sentence saying
 *     why it is unknown
 * @param cpuLevel the best SIMD level of this CPU that OpenBLAS kernels use: {@code avx512}, {@code avx2} or
 *     {@code older}
 * @param warning null when the kernel suits the CPU; else one line saying what is wrong and how to fix it
 */
public record BlasKernel(String library, String core, String cpuLevel, String warning) {

  private static final Logger LOG = LoggerFactory.getLogger(BlasKernel.class);

  /** OpenBLAS's x86-64 kernel tables with AVX-512 kernels (sgemm, sgemv, ...). */
  static final Set<String> AVX512_CORES = Set.of("SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS");
  /** Tables with at least AVX2 + FMA kernels. */
  static final Set<String> AVX2_CORES = Set.of("HASWELL", "ZEN", "EXCAVATOR", "SKYLAKEX", "COOPERLAKE",
      "SAPPHIRERAPIDS");
  /**
   * Every kernel table a DYNAMIC_ARCH OpenBLAS (0.3.19 to 0.3.31) may export, x86-64 and arm64; the pointer is
   * compared with each that the loaded library has.
   */
  static final List<String> KNOWN_CORES = List.of(
      // x86-64
      "SAPPHIRERAPIDS", "COOPERLAKE", "SKYLAKEX", "HASWELL", "ZEN", "EXCAVATOR", "STEAMROLLER", "PILEDRIVER",
      "BULLDOZER", "SANDYBRIDGE", "NEHALEM", "DUNNINGTON", "PENRYN", "CORE2", "ATOM", "NANO", "BARCELONA",
      "OPTERON_SSE3", "OPTERON", "PRESCOTT", "NORTHWOOD", "BANIAS", "COPPERMINE", "KATMAI", "ATHLON",
      // arm64
      "ARMV8", "ARMV8SVE", "CORTEXA53", "CORTEXA55", "CORTEXA57", "CORTEXA72", "CORTEXA73", "CORTEXA76",
      "CORTEXX1", "CORTEXX2", "CORTEXA510", "CORTEXA710", "NEOVERSEN1", "NEOVERSEN2", "NEOVERSEV1", "NEOVERSEV2",
      "FALKOR", "THUNDERX", "THUNDERX2T99", "THUNDERX3T110", "TSV110", "EMAG8180", "A64FX", "VORTEX", "FT2000");

  private static volatile BlasKernel detected;
  private static boolean reported;

  /**
   * The kernel of the OpenBLAS that ND4J loaded (cached after the first call; initialises ND4J). On a backend
   * without OpenBLAS (CUDA, MKL) the core says so and there is no warning.
   */
  public static BlasKernel detect() {
    BlasKernel k = detected;
    if (k == null) {
      synchronized (BlasKernel.class) {
        k = detected;
        if (k == null) {
          k = detectNow();
          detected = k;
        }
      }
    }
    return k;
  }

  private static BlasKernel detectNow() {
    String library = "OpenBLAS " + presetsVersion();
    Set<String> flags = cpuFlags();
    String level = cpuLevel(flags);
    String vendor;
    try {
      vendor = org.nd4j.linalg.factory.Nd4j.getExecutioner().getEnvironmentInformation()
          .getProperty("blas.vendor", "unknown");
    } catch (RuntimeException | LinkageError e) {
      return new BlasKernel(library, "unknown (ND4J did not start: " + e.getMessage() + ")", level, null);
    }
    if (!vendor.toUpperCase(Locale.ROOT).contains("OPENBLAS")) {
      return new BlasKernel(library, "not used (ND4J's BLAS is " + vendor + ")", level, null);
    }
    String core = readCore();
    String warning = warning(core, level, flags);
    String mixed = mixedVersions();
    if (mixed != null) {
      warning = warning == null ? mixed : warning + " " + mixed;
    }
    return new BlasKernel(library, core, level, warning);
  }

  /**
   * A sentence naming the JavaCPP artifacts that are on the class path in more than one version (an upgrade that
   * left old jars behind: whichever comes first wins, the natives may not match), or null.
   */
  static String mixedVersions() {
    List<String> mixed = new java.util.ArrayList<>();
    for (String artifact : List.of("javacpp", "openblas")) {
      Set<String> versions = new java.util.TreeSet<>();
      try {
        var urls = Loader.class.getClassLoader()
            .getResources("META-INF/maven/org.bytedeco/" + artifact + "/pom.properties");
        while (urls.hasMoreElements()) {
          try (InputStream in = urls.nextElement().openStream()) {
            Properties p = new Properties();
            p.load(in);
            versions.add(p.getProperty("version", "?"));
          }
        }
      } catch (IOException e) {
        continue; // unreadable metadata: nothing certain to say
      }
      if (versions.size() > 1) {
        mixed.add("org.bytedeco:" + artifact + " " + String.join(" and ", versions));
      }
    }
    return mixed.isEmpty() ? null : "The class path holds several versions of " + String.join(", ", mixed)
        + ": remove the old jars (./finbert rebuilds cli/target/lib from scratch; Maven users: mvn dependency:tree).";
  }

  /** The table {@code gotoblas} points to, by comparing the pointer with each known table's address. */
  private static String readCore() {
    try {
      Pointer dispatch = Loader.addressof("gotoblas");
      if (dispatch == null || dispatch.isNull()) {
        return "unknown (OpenBLAS built without DYNAMIC_ARCH: one core chosen at build time)";
      }
      long table = new LongPointer(dispatch).get(0);
      for (String name : KNOWN_CORES) {
        Pointer p = Loader.addressof("gotoblas_" + name);
        if (p != null && !p.isNull() && p.address() == table) {
          return name;
        }
      }
      return "unknown (kernel table at 0x" + Long.toHexString(table) + " is none of the known cores)";
    } catch (RuntimeException | LinkageError e) {
      return "unknown (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
    }
  }

  /**
   * The warning for kernel {@code core} on a CPU of SIMD {@code level}, or null when none is due. Package-private
   * for the tests, which go through every case without the CPU at hand.
   */
  static String warning(String core, String level, Set<String> flags) {
    if (!KNOWN_CORES.contains(core)) {
      return null; // unknown or not OpenBLAS: nothing certain to say
    }
    String fix;
    if (level.equals("avx512") && !AVX512_CORES.contains(core)) {
      fix = flags.contains("amx_tile") ? "SAPPHIRERAPIDS" : flags.contains("avx512_bf16") ? "COOPERLAKE" : "SKYLAKEX";
    } else if (level.equals("avx2") && !AVX2_CORES.contains(core)) {
      fix = "HASWELL";
    } else {
      return null;
    }
    String what = AVX2_CORES.contains(core)
        ? "runs its " + core + " (AVX2) kernels on a CPU with AVX-512: matrix products below this CPU's speed"
        : "runs its " + core + " kernels, a generic fallback without AVX2, on a CPU with " + level.toUpperCase(Locale.ROOT)
            + ": matrix products several times slower than this CPU can do";
    String forced = System.getenv("OPENBLAS_CORETYPE");
    if (forced != null) {
      return "OpenBLAS " + what + ". The environment sets OPENBLAS_CORETYPE=" + forced + ": unset it (or set "
          + "OPENBLAS_CORETYPE=" + fix + ").";
    }
    return "OpenBLAS " + what + ". Fix: a newer OpenBLAS (finbert4j pins org.bytedeco:openblas 0.3.31-1.5.13; check "
        + "that no older openblas/javacpp jar is on the class path) or export OPENBLAS_CORETYPE=" + fix
        + " before starting the JVM.";
  }

  /**
   * Logs the kernel at INFO and, the first time in this JVM that the kernel is a fallback, the warning at WARN and
   * on standard error (the CLI has no log output; a silent slowdown is what this guards against).
   */
  public static BlasKernel report() {
    BlasKernel k = detect();
    LOG.info("BLAS: {} kernel {} on a CPU with {}", k.library, k.core, k.cpuLevel);
    if (k.warning != null) {
      synchronized (BlasKernel.class) {
        if (!reported) {
          reported = true;
          LOG.warn(k.warning);
          System.err.println("finbert4j WARNING: " + k.warning);
        }
      }
    }
    return k;
  }

  /** One line for {@code finbert info}: {@code OpenBLAS 0.3.31-1.5.13, core ZEN (CPU: avx2)}. */
  public String describe() {
    return library + ", core " + core + " (CPU: " + cpuLevel + ")" + (warning == null ? "" : " — see the warning");
  }

  /** Rows from which an sgemm runs near the kernel's speed (below, packing and threading overheads dominate). */
  public static final long LARGE_PRODUCT_ROWS = 512;

  /**
   * The order of magnitude of a large sgemm (at least {@link #LARGE_PRODUCT_ROWS} rows) for {@code threads} cores
   * of this CPU's SIMD level, in GFLOP/s: {low, high}. From measurements, not a specification: AMD EPYC Zen 4
   * (AVX-512) 2 cores 192–200; Intel Xeon with AMX 2 cores 120–197 with the right kernel, 14–40 with PRESCOTT's;
   * AMD EPYC Zen 2 (AVX2) 2 cores 83–142. A figure far below {@code low} means a wrong kernel, a busy machine, or
   * fewer cores than threads.
   */
  public double[] expectedLargeSgemmGflops(int threads) {
    double[] perCore = switch (cpuLevel) {
      case "avx512" -> new double[] {50, 110};
      case "avx2" -> new double[] {30, 80};
      default -> new double[] {4, 20};
    };
    int t = Math.max(1, threads);
    return new double[] {perCore[0] * t, perCore[1] * t};
  }

  static String cpuLevel(Set<String> flags) {
    if (flags.contains("avx512f")) {
      return "avx512";
    }
    return flags.contains("avx2") && flags.contains("fma") ? "avx2" : "older";
  }

  /** The flags of the first CPU in /proc/cpuinfo; empty where that file does not exist. */
  static Set<String> cpuFlags() {
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (!Files.isReadable(cpuinfo)) {
      return Set.of();
    }
    try (Stream<String> lines = Files.lines(cpuinfo)) {
      String line = lines.filter(l -> l.startsWith("flags")).findFirst().orElse("");
      int colon = line.indexOf(':');
      return colon < 0 ? Set.of() : Set.of(line.substring(colon + 1).trim().split("\\s+"));
    } catch (IOException | RuntimeException e) {
      return Set.of();
    }
  }

  /** The version of the openblas presets jar on the class path (its Maven metadata). */
  private static String presetsVersion() {
    try (InputStream in = Loader.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.bytedeco/openblas/pom.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    return "(version unknown)";
  }
}
