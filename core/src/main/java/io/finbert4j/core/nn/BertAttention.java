package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/** HF {@code BertAttention}: self-attention followed by its output projection + residual + LayerNorm. */
public final class BertAttention {
  final BertSelfAttention self;
  final BertSelfOutput output;

  public record Cache(BertSelfAttention.Cache self, BertSelfOutput.Cache output) {}

  public BertAttention(ParameterRegistry reg, String prefix, BertConfig cfg, int layer) {
    self = new BertSelfAttention(reg, prefix + ".self", cfg, layer);
    output = new BertSelfOutput(reg, prefix + ".output", cfg, cfg.hiddenSize(), layer);
  }

  public Fwd<Cache> forward(INDArray x, double[][] maskAdd, Mode mode) {
    Fwd<BertSelfAttention.Cache> s = self.forward(x, maskAdd, mode);
    Fwd<BertSelfOutput.Cache> o = output.forward(s.out(), x, mode);
    return new Fwd<>(o.out(), new Cache(s.cache(), o.cache()));
  }

  public INDArray backward(Cache c, INDArray dOut) {
    INDArray[] d = output.backward(c.output(), dOut);
    INDArray dX = self.backward(c.self(), d[0]);
    Kernels.addInto(Buf.of(dX), Buf.of(d[1]), (int) dX.length());
    return dX;
  }
}
