package io.finbert4j.core.nn;

/**
 * Whether the JVM resolved the incubating Vector API module ({@code --add-modules jdk.incubator.vector}), which the
 * fused attention kernels ({@link AttentionKernels}) need. This class itself references nothing from that module,
 * so asking is safe on any JVM; without the module the encoder takes its unfused attention path (same results up to
 * float rounding, slower).
 */
public final class VectorSupport {
  private VectorSupport() {}

  public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
}
