package io.finbert4j.core.dense;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The dense products on ND4J's gemm (OpenBLAS on the CPU backend, cuBLAS on CUDA): bias pre-filled into y and the
 * gemm adds into it (beta = 1); W's transpose is a gemm flag, never a copy. The reference implementation and the
 * fallback (FLOAT and DOUBLE; any platform ND4J runs on). Stateless.
 */
public final class BlasDense implements DenseBackend {
  /** The one instance (it holds nothing). */
  public static final BlasDense INSTANCE = new BlasDense();

  private BlasDense() {}

  @Override
  public void forward(INDArray x, INDArray w, INDArray bias, INDArray y, boolean gelu) {
    if (gelu) {
      throw new IllegalArgumentException("BlasDense fuses no GELU (fusesGelu() is false)");
    }
    int m = (int) x.size(0);
    int n = (int) w.size(0);
    double beta = 0.0;
    if (bias != null) {
      fillRows(y, bias, m, n);
      beta = 1.0;
    }
    Nd4j.gemm(x, w, y, false, true, 1.0, beta);
  }

  /** No epilogues: the callers' own GELU kernel is the reference. */
  @Override
  public boolean fusesGelu() {
    return false;
  }

  @Override
  public void backwardData(INDArray dY, INDArray w, INDArray dX, boolean accumulate) {
    Nd4j.gemm(dY, w, dX, false, false, 1.0, accumulate ? 1.0 : 0.0);
  }

  @Override
  public void backwardWeights(INDArray dY, INDArray x, INDArray dW) {
    Nd4j.gemm(dY, x, dW, true, false, 1.0, 1.0);
  }

  @Override
  public String describe() {
    return "ND4J gemm (" + Nd4j.getExecutioner().getEnvironmentInformation().getProperty("blas.vendor", "BLAS")
        + ")";
  }

  @Override
  public void close() {}

  /** y[r, :] = bias for every row r < m. */
  private static void fillRows(INDArray y, INDArray bias, int m, int n) {
    if (y.dataType() == DataType.FLOAT) {
      FloatBuffer dst = y.data().asNioFloat();
      float[] b = bias.castTo(DataType.FLOAT).dup('c').data().asFloat();
      int base = (int) y.offset();
      for (int r = 0; r < m; r++) {
        dst.put(base + r * n, b, 0, n);
      }
    } else {
      DoubleBuffer dst = y.data().asNioDouble();
      double[] b = bias.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      int base = (int) y.offset();
      for (int r = 0; r < m; r++) {
        dst.put(base + r * n, b, 0, n);
      }
    }
  }
}
