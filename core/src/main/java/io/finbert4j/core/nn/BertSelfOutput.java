package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * HF {@code BertSelfOutput} (and, with the intermediate size as input, {@code BertOutput}):
 * LayerNorm(dropout(dense(h)) + residual) — post-LN.
 */
public class BertSelfOutput {
  final Linear dense;
  final LayerNorm LayerNorm;
  private final double dropout;

  public record Cache(INDArray h, Dropout.Mask dropMask, LayerNorm.Cache ln) {}

  public BertSelfOutput(ParameterRegistry reg, String prefix, BertConfig cfg, int in, int layer) {
    dense = new Linear(reg, prefix + ".dense", in, cfg.hiddenSize(), layer);
    LayerNorm = new LayerNorm(reg, prefix + ".LayerNorm", cfg.hiddenSize(), cfg.layerNormEps(), layer);
    dropout = cfg.hiddenDropoutProb();
  }

  /** h [B·T, in], residual [B·T, H] → new [B·T, H]. */
  public Fwd<Cache> forward(INDArray h, INDArray residual, Mode mode) {
    INDArray y = dense.forward(h, mode);
    long t0 = Profiler.start();
    Dropout.Mask mask = Dropout.applyInPlace(y, dropout, mode);
    Profiler.stop("dropout", t0);
    Fwd<LayerNorm.Cache> ln = LayerNorm.forwardResidual(y, residual); // y += residual, then LayerNorm
    return new Fwd<>(ln.out(), new Cache(h, mask, ln.cache()));
  }

  /** Returns {dH, dResidual}; dResidual is the gradient flowing into the skip connection. */
  public INDArray[] backward(Cache c, INDArray dOut) {
    INDArray dSum = LayerNorm.backward(c.ln(), dOut); // gradient of (dense + residual)
    long t0 = Profiler.start();
    INDArray dDense = Dropout.backward(dSum, c.dropMask()); // dSum itself also flows on to the residual
    Profiler.stop("dropout bwd", t0);
    INDArray dH = dense.backward(c.h(), dDense);
    return new INDArray[] {dH, dSum};
  }
}
