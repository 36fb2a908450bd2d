package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** HF {@code BertPooler}: tanh(dense(h[:, 0])) — the [CLS] position of each sequence. */
public final class BertPooler {
  final Linear dense;
  private final int h;

  /** first [B, H] (the [CLS] rows) and the tanh output [B, H]. */
  public record Cache(INDArray first, INDArray pooled, int t) {}

  public BertPooler(ParameterRegistry reg, BertConfig cfg, int layerIndex) {
    h = cfg.hiddenSize();
    dense = new Linear(reg, "bert.pooler.dense", h, h, layerIndex);
  }

  /** hidden [B·T, H] → new pooled [B, H]. */
  public Fwd<Cache> forward(INDArray hidden, int b, int t) {
    INDArray first = Nd4j.createUninitialized(hidden.dataType(), b, h);
    Buf src = Buf.of(hidden);
    Buf dst = Buf.of(first);
    for (int bi = 0; bi < b; bi++) {
      for (int c = 0; c < h; c++) {
        dst.set(bi * h + c, src.get(bi * t * h + c));
      }
    }
    INDArray pooled = dense.forward(first);
    Kernels.tanhForwardInPlace(Buf.of(pooled), (int) pooled.length());
    return new Fwd<>(pooled, new Cache(first, pooled, t));
  }

  /** dPooled [B, H] → new dHidden [B·T, H] (zero except the [CLS] rows). */
  public INDArray backward(Cache c, INDArray dPooled) {
    int b = (int) dPooled.size(0);
    Kernels.tanhBackward(Buf.of(dPooled), Buf.of(c.pooled()), Buf.of(dPooled), (int) dPooled.length());
    INDArray dFirst = dense.backward(c.first(), dPooled);
    INDArray dHidden = Nd4j.zeros(dPooled.dataType(), (long) b * c.t(), h);
    Buf src = Buf.of(dFirst);
    Buf dst = Buf.of(dHidden);
    for (int bi = 0; bi < b; bi++) {
      for (int k = 0; k < h; k++) {
        dst.set(bi * c.t() * h + k, src.get(bi * h + k));
      }
    }
    return dHidden;
  }
}
