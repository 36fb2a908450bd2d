package io.finbert4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The OpenBLAS kernel report: the live kernel on this machine, and the warning rules on every CPU kind. */
class BlasKernelTest {

  private static final Set<String> INTEL_AMX =
      Set.of("avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "amx_tile");
  private static final Set<String> ZEN4 = Set.of("avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16");
  private static final Set<String> ZEN2 = Set.of("avx", "avx2", "fma");

  /**
   * The regression this class exists for: OpenBLAS 0.3.19 ran PRESCOTT (SSE3) kernels on Intel Xeon model 207.
   * On any CPU with AVX2 (every CI and developer host of this project) the OpenBLAS that ND4J loaded must run a
   * kernel table with AVX2 or better; with AVX-512, an AVX-512 table.
   */
  @Test
  void theLoadedOpenBlasRunsAKernelThatSuitsThisCpu() {
    BlasKernel k = BlasKernel.detect();
    System.out.println("OpenBLAS kernel on this machine: " + k.describe());
    assertTrue(k.library().startsWith("OpenBLAS 0.3.31"), "OpenBLAS presets on the class path: " + k.library());
    Set<String> flags = BlasKernel.cpuFlags();
    if (BlasKernel.cpuLevel(flags).equals("older") || !System.getProperty("os.arch").contains("64")) {
      return; // nothing to demand of a CPU without AVX2
    }
    assertTrue(BlasKernel.KNOWN_CORES.contains(k.core()), "core not read: " + k.core());
    String forced = System.getenv("OPENBLAS_CORETYPE");
    if (forced != null) { // some hosts set it on purpose: then OpenBLAS must run exactly that table
      assertEquals(forced.toUpperCase(java.util.Locale.ROOT), k.core(), "OPENBLAS_CORETYPE=" + forced);
      return;
    }
    assertTrue(BlasKernel.AVX2_CORES.contains(k.core()), "OpenBLAS runs " + k.core() + " on a CPU with AVX2");
    if (flags.contains("avx512f")) {
      assertTrue(BlasKernel.AVX512_CORES.contains(k.core()), "OpenBLAS runs " + k.core() + " on an AVX-512 CPU");
    }
    assertNull(k.warning(), "no warning for a suitable kernel");
  }

  @Test
  void aGenericFallbackOnAnAvx512CpuIsAWarningWithTheMatchingCoreType() {
    String w = BlasKernel.warning("PRESCOTT", BlasKernel.cpuLevel(INTEL_AMX), INTEL_AMX);
    assertNotNull(w);
    assertTrue(w.contains("PRESCOTT") && w.contains("generic fallback"), w);
    assertTrue(w.contains("OPENBLAS_CORETYPE=SAPPHIRERAPIDS"), w);
    w = BlasKernel.warning("NEHALEM", "avx512", ZEN4);
    assertTrue(w.contains("OPENBLAS_CORETYPE=COOPERLAKE"), w);
    w = BlasKernel.warning("CORE2", "avx512", Set.of("avx2", "fma", "avx512f"));
    assertTrue(w.contains("OPENBLAS_CORETYPE=SKYLAKEX"), w);
  }

  @Test
  void anAvx2KernelOnAnAvx512CpuIsSaidAsSlowerButNotAsGeneric() {
    String w = BlasKernel.warning("HASWELL", "avx512", INTEL_AMX);
    assertNotNull(w);
    assertTrue(w.contains("AVX2") && !w.contains("generic fallback"), w);
  }

  @Test
  void aFallbackOnAnAvx2CpuPointsToHaswell() {
    String w = BlasKernel.warning("SANDYBRIDGE", BlasKernel.cpuLevel(ZEN2), ZEN2);
    assertTrue(w.contains("OPENBLAS_CORETYPE=HASWELL"), w);
  }

  @Test
  void suitableOrUnknownKernelsGiveNoWarning() {
    assertNull(BlasKernel.warning("ZEN", "avx2", ZEN2));
    assertNull(BlasKernel.warning("HASWELL", "avx2", ZEN2));
    assertNull(BlasKernel.warning("SKYLAKEX", "avx512", ZEN4));
    assertNull(BlasKernel.warning("SAPPHIRERAPIDS", "avx512", INTEL_AMX));
    assertNull(BlasKernel.warning("PRESCOTT", "older", Set.of("sse4_2")), "an old CPU gets the kernel it can run");
    assertNull(BlasKernel.warning("unknown (x)", "avx512", INTEL_AMX), "an unreadable core is not guessed at");
    assertEquals("avx2", BlasKernel.cpuLevel(ZEN2));
    assertEquals("older", BlasKernel.cpuLevel(Set.of("avx2")), "AVX2 kernels need FMA too");
  }
}
