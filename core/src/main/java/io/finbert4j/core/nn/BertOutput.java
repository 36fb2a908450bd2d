package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;

/** HF {@code BertOutput}: LayerNorm(dropout(dense(intermediate)) + attention output), I → H. */
public final class BertOutput extends BertSelfOutput {
  public BertOutput(ParameterRegistry reg, String prefix, BertConfig cfg, int layer) {
    super(reg, prefix, cfg, cfg.intermediateSize(), layer);
  }
}
