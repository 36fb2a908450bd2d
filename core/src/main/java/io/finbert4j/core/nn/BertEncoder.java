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

  /**
   * Backward through the layers in reverse. Inside the training workspace each layer's backward runs in a nested
   * workspace that is rewound for the next layer, and only its dInput is copied out: the temporaries of a
   * backward pass then cost one layer's worth of memory instead of L layers' (the forward caches stay: backward
   * needs them).
   */
  /** -Dfinbert.backward.scoped=false keeps every layer's backward temporaries until the pass ends (A/B switch). */
  static final boolean SCOPED_BACKWARD = !"false".equals(System.getProperty("finbert.backward.scoped"));

  public INDArray backward(List<BertLayer.Cache> caches, INDArray dOut) {
    INDArray d = dOut;
    boolean scoped = SCOPED_BACKWARD && Workspaces.active(Workspaces.TRAINING);
    for (int i = layer.size() - 1; i >= 0; i--) {
      if (scoped) {
        BertLayer l = layer.get(i);
        BertLayer.Cache c = caches.get(i);
        INDArray dIn = d;
        d = Workspaces.scoped(Workspaces.TRAINING_LAYER, Workspaces.TRAINING, () -> l.backward(c, dIn));
      } else {
        d = layer.get(i).backward(caches.get(i), d);
      }
    }
    return d;
  }
}
