package io.finbert4j.core.nn;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torch.nn.Linear: y = x·Wᵀ + b with W stored [out, in] as PyTorch does. The transpose is a gemm flag,
 * never a copy; the bias is pre-filled into the output and the gemm adds into it (beta = 1).
 */
public final class Linear {
  final Parameter weight; // [out, in]
  final Parameter bias; // [out]
  private final int in;
  private final int out;
  private final String profFwd; // profiler names: the role without the layer number
  private final String profBwd;
  private final String profInt8;

  public Linear(ParameterRegistry reg, String prefix, int in, int out, int layerIndex) {
    this.weight = reg.create(prefix + ".weight", layerIndex, true, out, in);
    this.bias = reg.create(prefix + ".bias", layerIndex, false, out);
    this.in = in;
    this.out = out;
    String role = prefix.replaceFirst("^bert\\.encoder\\.layer\\.\\d+\\.", "").replaceFirst("^bert\\.", "");
    this.profFwd = "gemm " + role;
    this.profBwd = "gemm bwd " + role;
    this.profInt8 = "int8 gemm " + role;
  }

  /** x [M, in] → returns new y [M, out]. */
  public INDArray forward(INDArray x) {
    Shapes.check("Linear(" + weight.name() + ")", x, -1, in);
    int m = (int) x.size(0);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(x.dataType(), m, out);
    Kernels.fillRows(Buf.of(y), Buf.of(bias.value()), m, out);
    Nd4j.gemm(x, weight.value(), y, false, true, 1.0, 1.0);
    Profiler.stop(profFwd, t0, 2.0 * m * in * out);
    return y;
  }

  /**
   * x [M, in] → returns new y [M, out]; through the int8 kernel when {@code mode} is an int8 eval mode
   * ({@link Mode#int8()}) and x is float32, else as {@link #forward(INDArray)}.
   */
  public INDArray forward(INDArray x, Mode mode) {
    Int8Kernels int8 = mode.int8();
    if (int8 == null || x.dataType() != DataType.FLOAT) {
      return forward(x);
    }
    Shapes.check("Linear(" + weight.name() + ")", x, -1, in);
    long t0 = Profiler.start();
    INDArray y = Int8Kernels.forward(int8.of(this), x);
    Profiler.stop(profInt8, t0, 2.0 * x.size(0) * in * out);
    return y;
  }

  /** Given the forward input x [M, in] and dY [M, out]: accumulates dW, db; returns new dX [M, in]. */
  public INDArray backward(INDArray x, INDArray dY) {
    int m = (int) x.size(0);
    biasGrad(dY, m);
    long t0 = Profiler.start();
    if (weight.trainable()) {
      Nd4j.gemm(dY, x, weight.grad(), true, false, 1.0, 1.0); // dW[out,in] += dYᵀ·x
    }
    INDArray dX = Nd4j.createUninitialized(x.dataType(), m, in);
    Nd4j.gemm(dY, weight.value(), dX, false, false, 1.0, 0.0); // dX = dY·W
    Profiler.stop(profBwd, t0, (weight.trainable() ? 4.0 : 2.0) * m * in * out);
    return dX;
  }

  /** As {@link #backward} but adds dX into {@code dXAcc} [M, in] (gemm beta = 1) instead of returning new. */
  public void backwardAccumulate(INDArray x, INDArray dY, INDArray dXAcc) {
    int m = (int) x.size(0);
    biasGrad(dY, m);
    long t0 = Profiler.start();
    if (weight.trainable()) {
      Nd4j.gemm(dY, x, weight.grad(), true, false, 1.0, 1.0);
    }
    Nd4j.gemm(dY, weight.value(), dXAcc, false, false, 1.0, 1.0);
    Profiler.stop(profBwd, t0, (weight.trainable() ? 4.0 : 2.0) * m * in * out);
  }

  /** dBias += column sums of dY (when the bias trains); profiled on its own, apart from the gemms. */
  private void biasGrad(INDArray dY, int m) {
    if (bias.trainable()) {
      long t0 = Profiler.start();
      Kernels.addColumnSums(Buf.of(bias.grad()), Buf.of(dY), m, out);
      Profiler.stop("bias grad (column sums)", t0);
    }
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }
}
