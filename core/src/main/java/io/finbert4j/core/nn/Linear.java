package io.finbert4j.core.nn;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * torch.nn.Linear: y = x·Wᵀ + b with W stored [out, in] as PyTorch does. The products (forward, dX, dW) run on
 * the registry's {@link ParameterRegistry#dense() dense backend} (oneDNN or ND4J's gemm); the transpose is a
 * layout flag, never a copy.
 */
public final class Linear {
  final Parameter weight; // [out, in]
  final Parameter bias; // [out]
  private final ParameterRegistry reg; // its dense() backend runs the products
  private final int in;
  private final int out;
  private final String profFwd; // profiler names: the role without the layer number
  private final String profBwd;
  private final String profInt8;

  public Linear(ParameterRegistry reg, String prefix, int in, int out, int layerIndex) {
    this.weight = reg.create(prefix + ".weight", layerIndex, true, out, in);
    this.bias = reg.create(prefix + ".bias", layerIndex, false, out);
    this.reg = reg;
    this.in = in;
    this.out = out;
    String role = prefix.replaceFirst("^bert\\.encoder\\.layer\\.\\d+\\.", "").replaceFirst("^bert\\.", "");
    this.profFwd = "gemm " + role;
    this.profBwd = "gemm bwd " + role;
    this.profInt8 = "int8 gemm " + role;
  }

  /** x [M, in] → returns new y [M, out]. */
  public INDArray forward(INDArray x) {
    return forwardOn(reg.dense(), x);
  }

  private INDArray forwardOn(io.finbert4j.core.dense.DenseBackend dense, INDArray x) {
    Shapes.check("Linear(" + weight.name() + ")", x, -1, in);
    int m = (int) x.size(0);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(x.dataType(), m, out);
    dense.forward(x, weight.value(), bias.value(), y, false);
    Profiler.stop(profFwd, t0, 2.0 * m * in * out);
    return y;
  }

  /**
   * x [M, in] → returns new gelu(x·Wᵀ + b) [M, out] with the GELU fused into the product, or null when the dense
   * backend cannot fuse it ({@link io.finbert4j.core.dense.DenseBackend#fusesGelu()}): the caller then runs
   * {@link #forward} and its own GELU. Eval only (the backward needs the pre-activation).
   */
  INDArray forwardGelu(INDArray x, Mode mode) {
    var dense = mode.dense() != null ? mode.dense() : reg.dense();
    if (!dense.fusesGelu() || x.dataType() != DataType.FLOAT) {
      return null;
    }
    Shapes.check("Linear(" + weight.name() + ")", x, -1, in);
    int m = (int) x.size(0);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(x.dataType(), m, out);
    dense.forward(x, weight.value(), bias.value(), y, true);
    Profiler.stop(profFwd + " + gelu", t0, 2.0 * m * in * out);
    return y;
  }

  /**
   * x [M, in] → returns new y [M, out]; through the int8 kernel when {@code mode} is an int8 eval mode
   * ({@link Mode#int8()}) and x is float32, else as {@link #forward(INDArray)}.
   */
  public INDArray forward(INDArray x, Mode mode) {
    Int8Kernels int8 = mode.int8();
    if (int8 == null || x.dataType() != DataType.FLOAT) {
      return mode.dense() == null || x.dataType() != DataType.FLOAT ? forward(x) : forwardOn(mode.dense(), x);
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
    var dense = reg.dense();
    if (weight.trainable()) {
      dense.backwardWeights(dY, x, weight.grad()); // dW[out,in] += dYᵀ·x
    }
    INDArray dX = Nd4j.createUninitialized(x.dataType(), m, in);
    dense.backwardData(dY, weight.value(), dX, false); // dX = dY·W
    Profiler.stop(profBwd, t0, (weight.trainable() ? 4.0 : 2.0) * m * in * out);
    return dX;
  }

  /** As {@link #backward} but adds dX into {@code dXAcc} [M, in] (gemm beta = 1) instead of returning new. */
  public void backwardAccumulate(INDArray x, INDArray dY, INDArray dXAcc) {
    int m = (int) x.size(0);
    biasGrad(dY, m);
    long t0 = Profiler.start();
    var dense = reg.dense();
    if (weight.trainable()) {
      dense.backwardWeights(dY, x, weight.grad());
    }
    dense.backwardData(dY, weight.value(), dXAcc, true);
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
