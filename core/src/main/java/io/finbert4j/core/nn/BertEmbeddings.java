package io.finbert4j.core.nn;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * HF {@code BertEmbeddings}: word + position (0..T−1) + token type, then LayerNorm, then dropout.
 * Backward scatter-adds into the embedding rows that were used.
 */
public final class BertEmbeddings {
  static final int LAYER_INDEX = -1;

  final Parameter word_embeddings; // [V, H]
  final Parameter position_embeddings; // [maxPos, H]
  final Parameter token_type_embeddings; // [typeVocab, H]
  final LayerNorm LayerNorm;
  private final int h;
  private final int maxPositions;
  private final int typeVocab;
  private final int vocab;
  private final double dropout;

  public record Cache(int[][] ids, int[][] types, LayerNorm.Cache ln, Dropout.Mask dropMask) {}

  public BertEmbeddings(ParameterRegistry reg, BertConfig cfg) {
    String p = "bert.embeddings.";
    h = cfg.hiddenSize();
    vocab = cfg.vocabSize();
    maxPositions = cfg.maxPositionEmbeddings();
    typeVocab = cfg.typeVocabSize();
    word_embeddings = reg.create(p + "word_embeddings.weight", LAYER_INDEX, true, vocab, h);
    position_embeddings = reg.create(p + "position_embeddings.weight", LAYER_INDEX, true, maxPositions, h);
    token_type_embeddings = reg.create(p + "token_type_embeddings.weight", LAYER_INDEX, true, typeVocab, h);
    LayerNorm = new LayerNorm(reg, p + "LayerNorm", h, cfg.layerNormEps(), LAYER_INDEX);
    dropout = cfg.hiddenDropoutProb();
  }

  /** ids, types [B][T] → new [B·T, H]. */
  public Fwd<Cache> forward(int[][] ids, int[][] types, Mode mode) {
    int b = ids.length;
    int t = ids[0].length;
    if (t > maxPositions) {
      throw new IllegalArgumentException("BertEmbeddings: sequence length " + t
          + " exceeds max_position_embeddings " + maxPositions);
    }
    long t0 = Profiler.start();
    INDArray sum = Nd4j.createUninitialized(word_embeddings.value().dataType(), (long) b * t, h);
    Buf s = Buf.of(sum);
    Buf we = Buf.of(word_embeddings.value());
    Buf pe = Buf.of(position_embeddings.value());
    Buf te = Buf.of(token_type_embeddings.value());
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) {
        int id = ids[bi][ti];
        int ty = types[bi][ti];
        if (id < 0 || id >= vocab) {
          throw new IllegalArgumentException("BertEmbeddings: token id " + id + " at [" + bi + "," + ti
              + "] is outside the vocabulary of " + vocab);
        }
        if (ty < 0 || ty >= typeVocab) {
          throw new IllegalArgumentException("BertEmbeddings: token type " + ty + " at [" + bi + "," + ti
              + "] is outside type_vocab_size " + typeVocab);
        }
        int o = (bi * t + ti) * h;
        int wo = id * h;
        int po = ti * h;
        int to = ty * h;
        for (int c = 0; c < h; c++) {
          s.set(o + c, we.get(wo + c) + pe.get(po + c) + te.get(to + c));
        }
      }
    }
    Profiler.stop("embeddings lookup", t0);
    Fwd<LayerNorm.Cache> ln = LayerNorm.forward(sum);
    INDArray y = ln.out();
    t0 = Profiler.start();
    Dropout.Mask mask = Dropout.applyInPlace(y, dropout, mode);
    Profiler.stop("dropout", t0);
    return new Fwd<>(y, new Cache(ids, types, ln.cache(), mask));
  }

  /** Accumulates the embedding-table and LayerNorm gradients. */
  public void backward(Cache c, INDArray dY) {
    Dropout.backwardInPlace(dY, c.dropMask());
    INDArray dSum = LayerNorm.backward(c.ln(), dY);
    long t0 = Profiler.start();
    Buf d = Buf.of(dSum);
    Buf dw = word_embeddings.trainable() ? Buf.of(word_embeddings.grad()) : null;
    Buf dp = position_embeddings.trainable() ? Buf.of(position_embeddings.grad()) : null;
    Buf dt = token_type_embeddings.trainable() ? Buf.of(token_type_embeddings.grad()) : null;
    int b = c.ids().length;
    int t = c.ids()[0].length;
    for (int bi = 0; bi < b; bi++) {
      for (int ti = 0; ti < t; ti++) {
        int o = (bi * t + ti) * h;
        int wo = c.ids()[bi][ti] * h;
        int po = ti * h;
        int to = c.types()[bi][ti] * h;
        for (int k = 0; k < h; k++) {
          double g = d.get(o + k);
          if (dw != null) {
            dw.add(wo + k, g);
          }
          if (dp != null) {
            dp.add(po + k, g);
          }
          if (dt != null) {
            dt.add(to + k, g);
          }
        }
      }
    }
    Profiler.stop("embeddings bwd scatter-add", t0);
  }
}
