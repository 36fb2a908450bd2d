package io.finbert4j.core.dense;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The matrix products of the dense layers ({@code nn.Linear}): forward {@code y = x·Wᵀ + b} (optionally followed by
 * the exact erf GELU), and the two products of its backward, {@code dX = dY·W} and {@code dW += dYᵀ·X}. W is the
 * live parameter, stored [N, K] as PyTorch stores it ([out, in]); nothing is copied or transposed.
 *
 * <p>Shape legend: M = rows (B·T), K = in features, N = out features. Every array is dense row-major; an
 * implementation that cannot take an argument (data type, layout) hands the call to {@link BlasDense}.
 *
 * <p>Two implementations: {@link OneDnnDense} (oneDNN matmul primitives: the default on x86-64 where oneDNN loads and
 * dispatches a JIT kernel) and {@link BlasDense} (ND4J's gemm on OpenBLAS: the reference and the fallback; forced
 * with {@code -Dfinbert.dense=blas}). {@link #create} picks one. Thread-safe; {@link #close} releases native
 * resources (primitives, streams) deterministically, after which calls fall back to {@link BlasDense}.
 */
public interface DenseBackend extends AutoCloseable {
  /** System property choosing the backend: {@code auto} (default), {@code dnnl} or {@code blas}. */
  String PROPERTY = "finbert.dense";

  /**
   * Writes {@code y = x·Wᵀ + b}, then {@code y = gelu(y)} (the exact erf form) when {@code gelu}, which only
   * a backend whose {@link #fusesGelu()} holds accepts.
   *
   * @param x [M, K]; @param w [N, K]; @param bias [N] or null; @param y [M, N] (overwritten)
   */
  void forward(INDArray x, INDArray w, INDArray bias, INDArray y, boolean gelu);

  /** Whether {@link #forward} can apply the erf GELU as an epilogue (else callers run their own GELU). */
  boolean fusesGelu();

  /** {@code dX = dY·W}, or {@code dX += dY·W} when {@code accumulate}; dY [M, N], W [N, K], dX [M, K]. */
  void backwardData(INDArray dY, INDArray w, INDArray dX, boolean accumulate);

  /** {@code dW += dYᵀ·X}; dY [M, N], X [M, K], dW [N, K]. */
  void backwardWeights(INDArray dY, INDArray x, INDArray dW);

  /** One line for logs and {@code finbert info}: which library, ISA, kernel and threads. */
  String describe();

  /** Releases native resources; idempotent. */
  @Override
  void close();

  /**
   * The backend for parameters of {@code dataType} in this JVM: {@link OneDnnDense} when {@value #PROPERTY} is
   * {@code auto} (on x86-64) or {@code dnnl} and oneDNN is usable for float32 (see {@link OneDnn#status()}), else
   * {@link BlasDense}. DOUBLE parameters (gradient checks) always get {@link BlasDense}.
   *
   * @throws IllegalStateException when {@code dnnl} is forced but oneDNN cannot run, or the property is unknown
   */
  static DenseBackend create(org.nd4j.linalg.api.buffer.DataType dataType) {
    Choice c = Choice.requested();
    if (dataType != org.nd4j.linalg.api.buffer.DataType.FLOAT || c == Choice.BLAS) {
      return BlasDense.INSTANCE;
    }
    OneDnn.Status s = OneDnn.status();
    if (s.usable() && (c == Choice.DNNL || s.preferred())) {
      return new OneDnnDense();
    }
    if (c == Choice.DNNL) {
      throw new IllegalStateException("-D" + PROPERTY + "=dnnl but oneDNN cannot run here: " + s.reason());
    }
    return BlasDense.INSTANCE;
  }

  /** The value of {@value #PROPERTY}. */
  enum Choice {
    AUTO, DNNL, BLAS;

    static Choice requested() {
      String v = System.getProperty(PROPERTY, "auto").strip().toLowerCase(java.util.Locale.ROOT);
      switch (v) {
        case "auto":
          return AUTO;
        case "dnnl":
        case "onednn":
          return DNNL;
        case "blas":
        case "openblas":
          return BLAS;
        default:
          throw new IllegalStateException("-D" + PROPERTY + "=" + v + " is not one of auto, dnnl, blas");
      }
    }
  }
}
