package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/** HF {@code BertLayer}: attention, then intermediate (GELU) and output (+ residual, LayerNorm). */
public final class BertLayer {
  final BertAttention attention;
  final BertIntermediate intermediate;
  final BertOutput output;

  public record Cache(BertAttention.Cache attention, BertIntermediate.Cache intermediate,
      BertSelfOutput.Cache output) {}

  public BertLayer(ParameterRegistry reg, String prefix, BertConfig cfg, int layer) {
    attention = new BertAttention(reg, prefix + ".attention", cfg, layer);
    intermediate = new BertIntermediate(reg, prefix + ".intermediate", cfg, layer);
    output = new BertOutput(reg, prefix + ".output", cfg, layer);
  }

  public Fwd<Cache> forward(INDArray x, double[][] maskAdd, Mode mode) {
    Fwd<BertAttention.Cache> a = attention.forward(x, maskAdd, mode);
    Fwd<BertIntermediate.Cache> i = intermediate.forward(a.out(), mode);
    Fwd<BertSelfOutput.Cache> o = output.forward(i.out(), a.out(), mode);
    return new Fwd<>(o.out(), new Cache(a.cache(), i.cache(), o.cache()));
  }

  public INDArray backward(Cache c, INDArray dOut) {
    INDArray[] d = output.backward(c.output(), dOut);
    INDArray dA = intermediate.backward(c.intermediate(), d[0]);
    Kernels.addInto(Buf.of(dA), Buf.of(d[1]), (int) dA.length());
    return attention.backward(c.attention(), dA);
  }
}
