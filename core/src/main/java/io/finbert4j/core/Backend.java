package io.finbert4j.core;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.factory.Nd4jBackend;

/**
 * The ND4J backend finbert4j runs on, chosen explicitly rather than left to classpath order.
 *
 * <p>How ND4J 1.0.0-M2.1 picks a backend (verified in {@code nd4j-api}'s {@code Nd4jBackend}): the first
 * use of {@link Nd4j} loads every {@link Nd4jBackend} on the classpath through {@link java.util.ServiceLoader},
 * sorts them by {@code getPriority()} (CPU 0, CUDA 100 unless the environment variables
 * {@code BACKEND_PRIORITY_CPU} / {@code BACKEND_PRIORITY_GPU} say otherwise; they are read once, from the
 * process environment, so they cannot be changed from Java) and keeps the first one whose
 * {@code isAvailable()} and {@code canRun()} hold. A CUDA backend on a machine without a GPU is thus
 * skipped silently. There is no system property that names the backend. So {@link #select(Backend)}
 * checks, before ND4J initializes, that the requested backend is on the classpath and would win the
 * priority order, then initializes ND4J and checks that the backend it loaded is the requested one;
 * every mismatch is an {@link IllegalStateException} saying what to change.
 *
 * <p>Build-time choice (see the README): the default build puts only {@code nd4j-native} for the host
 * platform on the classpath, {@code -Pportable} puts {@code nd4j-native-platform}, {@code -Pcuda} puts
 * {@code nd4j-cuda-11.6} (which needs an NVIDIA GPU with a driver for CUDA 11.6 to run).
 *
 * <p>Run-time choice: {@link #requested()} reads the system property {@value #PROPERTY}, then the
 * environment variable {@value #ENV}; values {@code cpu}, {@code cuda}, {@code auto} (default).
 */
public enum Backend {
  /** ND4J's native CPU backend ({@code nd4j-native}, OpenBLAS or oneDNN). */
  CPU("org.nd4j.linalg.cpu.nativecpu.CpuBackend", "nd4j-native", "BACKEND_PRIORITY_CPU", 0),
  /** ND4J's CUDA backend ({@code nd4j-cuda-11.6}). */
  CUDA("org.nd4j.linalg.jcublas.JCublasBackend", "nd4j-cuda-11.6", "BACKEND_PRIORITY_GPU", 100),
  /** Whatever ND4J picks among the backends on the classpath (CUDA first when it can run). */
  AUTO(null, null, null, 0);

  /** System property naming the backend: {@code cpu}, {@code cuda} or {@code auto}. */
  public static final String PROPERTY = "finbert.backend";
  /** Environment variable naming the backend, used when {@link #PROPERTY} is not set. */
  public static final String ENV = "FINBERT_BACKEND";

  private final String backendClass;
  private final String artifact;
  private final String priorityEnv;
  private final int defaultPriority;

  Backend(String backendClass, String artifact, String priorityEnv, int defaultPriority) {
    this.backendClass = backendClass;
    this.artifact = artifact;
    this.priorityEnv = priorityEnv;
    this.defaultPriority = defaultPriority;
  }

  /** Maven artifact that provides this backend ({@code null} for {@link #AUTO}). */
  public String artifact() {
    return artifact;
  }

  /**
   * Parses {@code cpu}, {@code cuda} or {@code auto} (any case, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Backend parse(String value) {
    Objects.requireNonNull(value, "backend name must not be null");
    String v = value.strip().toUpperCase(Locale.ROOT);
    for (Backend b : values()) {
      if (b.name().equals(v)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown backend '" + value + "': expected one of cpu, cuda, auto");
  }

  /** The backend asked for by {@value #PROPERTY} or else {@value #ENV}; {@link #AUTO} when neither is set. */
  public static Backend requested() {
    return requested(System.getProperty(PROPERTY), System.getenv());
  }

  /** As {@link #requested()}, with the property value and environment given (for tests). */
  static Backend requested(String propertyValue, Map<String, String> env) {
    if (propertyValue != null && !propertyValue.isBlank()) {
      return parse(propertyValue);
    }
    String e = env.get(ENV);
    if (e != null && !e.isBlank()) {
      return parse(e);
    }
    return AUTO;
  }

  /** Whether this backend's classes are on the classpath (does not initialize ND4J). */
  public boolean onClasspath() {
    if (this == AUTO) {
      return CPU.onClasspath() || CUDA.onClasspath();
    }
    try {
      Class.forName(backendClass, false, Backend.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** ND4J's priority for this backend as it will compute it from the process environment. */
  int priority(Map<String, String> env) {
    String v = env.get(priorityEnv);
    if (v == null || v.isEmpty()) {
      return defaultPriority;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "environment variable " + priorityEnv + "='" + v + "' is not an integer (ND4J reads it as the "
              + name() + " backend priority)");
    }
  }

  /** Selects the backend from {@link #requested()}; see {@link #select(Backend)}. */
  public static Backend select() {
    return select(requested());
  }

  /**
   * Makes ND4J run on {@code requested} and returns the backend actually in use ({@link #CPU} or
   * {@link #CUDA}). Call it before anything else touches ND4J; calling it again is cheap and checks
   * the already initialized backend against the request.
   *
   * @throws IllegalStateException when the requested backend is not on the classpath, would lose ND4J's
   *     priority order to another backend, cannot start (no GPU, missing natives) or ND4J loaded another one
   */
  public static synchronized Backend select(Backend requested) {
    Objects.requireNonNull(requested, "requested backend must not be null");
    Map<String, String> env = System.getenv();
    if (requested != AUTO) {
      if (!requested.onClasspath()) {
        throw new IllegalStateException(
            requested.name().toLowerCase(Locale.ROOT) + " backend requested but " + requested.artifact
                + " is not on the classpath"
                + (requested == CUDA
                    ? "; build with -Pcuda (modules depending on core: -Dcuda)"
                    : "; build without -Pcuda (or with -Pportable)"));
      }
      Backend other = requested == CPU ? CUDA : CPU;
      if (other.onClasspath() && other.priority(env) >= requested.priority(env)) {
        throw new IllegalStateException(
            "both nd4j-native and nd4j-cuda-11.6 are on the classpath and ND4J prefers "
                + other.name() + " (priority " + other.priority(env) + " >= " + requested.priority(env)
                + "); to run on " + requested.name() + " set the environment variable "
                + requested.priorityEnv + "=" + (other.priority(env) + 1)
                + " before starting the JVM, or build with only one backend");
      }
    } else if (!AUTO.onClasspath()) {
      throw new IllegalStateException(
          "no ND4J backend on the classpath: add nd4j-native (default build) or nd4j-cuda-11.6 (-Pcuda)");
    }
    Nd4jBackend loaded;
    try {
      loaded = Nd4j.getBackend();
    } catch (Throwable t) { // ExceptionInInitializerError, UnsatisfiedLinkError, NoAvailableBackendException
      Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
      throw new IllegalStateException(
          "ND4J failed to initialize " + (requested == AUTO ? "a backend" : "the " + requested.name()
              + " backend") + ": " + cause
              + (requested == CUDA || CUDA.onClasspath()
                  ? " (the CUDA backend needs an NVIDIA GPU with a driver supporting CUDA 11.6)"
                  : ""),
          t);
    }
    Backend actual = of(loaded);
    if (requested != AUTO && actual != requested) {
      throw new IllegalStateException(
          requested.name() + " backend requested but ND4J loaded " + loaded.getClass().getName()
              + (requested == CUDA
                  ? " (ND4J skips the CUDA backend when no usable GPU / CUDA 11.6 driver is present)"
                  : ""));
    }
    return actual;
  }

  /** The backend ND4J is running on (initializes ND4J with its own choice if nothing did yet). */
  public static Backend active() {
    return of(Nd4j.getBackend());
  }

  private static Backend of(Nd4jBackend b) {
    String n = b.getClass().getName();
    if (n.equals(CUDA.backendClass) || n.contains("jcublas")) {
      return CUDA;
    }
    if (n.equals(CPU.backendClass) || n.contains("cpu")) {
      return CPU;
    }
    throw new IllegalStateException("unknown ND4J backend " + n);
  }

  /**
   * What ND4J runs on: backend, BLAS vendor, threads, data type, ND4J version, CPU features, Java.
   * Initializes ND4J if needed (with whatever it picks; call {@link #select(Backend)} first to choose).
   */
  public static BackendInfo describe() {
    return BackendInfo.collect();
  }
}
