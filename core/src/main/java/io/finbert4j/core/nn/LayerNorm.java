package io.finbert4j.core.nn;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** torch.nn.LayerNorm over the last dimension, biased variance, eps = config layer_norm_eps. */
public final class LayerNorm {
  final Parameter weight; // [H] (gamma)
  final Parameter bias; // [H] (beta)
  private final int h;
  private final double eps;

  /** What backward needs: the input and per-row statistics. */
  public record Cache(INDArray x, double[] mean, double[] rstd) {}

  public LayerNorm(ParameterRegistry reg, String prefix, int h, double eps, int layerIndex) {
    this.weight = reg.create(prefix + ".weight", layerIndex, false, h);
    this.bias = reg.create(prefix + ".bias", layerIndex, false, h);
    this.h = h;
    this.eps = eps;
    weight.value().assign(1.0);
  }

  /** x [M, H] → new y [M, H]; the cache keeps a reference to x (not copied: callers don't mutate it). */
  public Fwd<Cache> forward(INDArray x) {
    Shapes.check("LayerNorm(" + weight.name() + ")", x, -1, h);
    int m = (int) x.size(0);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(x.dataType(), m, h);
    double[] mean = new double[m];
    double[] rstd = new double[m];
    Kernels.layerNormForward(Buf.of(x), Buf.of(weight.value()), Buf.of(bias.value()), Buf.of(y), mean, rstd, m, h, eps);
    Profiler.stop("layernorm", t0);
    return new Fwd<>(y, new Cache(x, mean, rstd));
  }

  /**
   * Post-LN residual in one pass: x += residual (x then holds the sum, which the cache keeps), returns
   * new LayerNorm(x).
   */
  public Fwd<Cache> forwardResidual(INDArray x, INDArray residual) {
    Shapes.check("LayerNorm(" + weight.name() + ")", x, -1, h);
    Shapes.check("LayerNorm(" + weight.name() + ") residual", residual, x.size(0), h);
    int m = (int) x.size(0);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(x.dataType(), m, h);
    double[] mean = new double[m];
    double[] rstd = new double[m];
    Kernels.addLayerNormForward(Buf.of(x), Buf.of(residual), Buf.of(weight.value()), Buf.of(bias.value()), Buf.of(y),
        mean, rstd, m, h, eps);
    Profiler.stop("layernorm (+residual)", t0);
    return new Fwd<>(y, new Cache(x, mean, rstd));
  }

  /** Returns new dX; accumulates dGamma, dBeta. */
  public INDArray backward(Cache c, INDArray dY) {
    int m = (int) dY.size(0);
    long t0 = Profiler.start();
    INDArray dX = Nd4j.createUninitialized(dY.dataType(), m, h);
    Kernels.layerNormBackward(Buf.of(dY), Buf.of(c.x()), Buf.of(weight.value()), c.mean(), c.rstd(), Buf.of(dX),
        Buf.of(weight.grad()), Buf.of(bias.grad()), m, h);
    Profiler.stop("layernorm bwd", t0);
    return dX;
  }
}
