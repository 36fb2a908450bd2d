package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** HF {@code BertEncoder}: L {@link BertLayer}s in sequence. */
public final class BertEncoder {
  final List<BertLayer> layer = new ArrayList<>();

  public BertEncoder(ParameterRegistry reg, BertConfig cfg) {
    for (int i = 0; i < cfg.numHiddenLayers(); i++) {
      layer.add(new BertLayer(reg, "bert.encoder.layer." + i, cfg, i));
    }
  }

  public Fwd<List<BertLayer.Cache>> forward(INDArray x, double[][] maskAdd, Mode mode) {
    List<BertLayer.Cache> caches = new ArrayList<>(layer.size());
    INDArray h = x;
    for (BertLayer l : layer) {
      Fwd<BertLayer.Cache> f = l.forward(h, maskAdd, mode);
      caches.add(f.cache());
      h = f.out();
    }
    return new Fwd<>(h, caches);
  }

  public INDArray backward(List<BertLayer.Cache> caches, INDArray dOut) {
    INDArray d = dOut;
    for (int i = layer.size() - 1; i >= 0; i--) {
      d = layer.get(i).backward(caches.get(i), d);
    }
    return d;
  }
}
