package io.finbert4j.core.nn;

import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.weights.BertConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** HF {@code BertIntermediate}: exact erf GELU(dense(h)), H → I. */
public final class BertIntermediate {
  final Linear dense;

  /** h [B·T, H] and the pre-activation [B·T, I] (null after a fused eval forward, which has no backward). */
  public record Cache(INDArray h, INDArray pre) {}

  public BertIntermediate(ParameterRegistry reg, String prefix, BertConfig cfg, int layer) {
    dense = new Linear(reg, prefix + ".dense", cfg.hiddenSize(), cfg.intermediateSize(), layer);
  }

  public Fwd<Cache> forward(INDArray h) {
    return forward(h, Mode.EVAL);
  }

  /** As {@link #forward(INDArray)}; an int8 eval {@code mode} runs the dense projection in int8. */
  public Fwd<Cache> forward(INDArray h, Mode mode) {
    if (mode.inference() && mode.int8() == null) {
      INDArray fused = dense.forwardGelu(h, mode); // GELU as the product's epilogue; no pre-activation kept
      if (fused != null) {
        return new Fwd<>(fused, new Cache(h, null));
      }
    }
    INDArray pre = dense.forward(h, mode);
    long t0 = Profiler.start();
    INDArray y = Nd4j.createUninitialized(pre.dataType(), pre.shape());
    Kernels.geluForward(Buf.of(pre), Buf.of(y), (int) pre.length(), pre.dataType() == DataType.DOUBLE);
    Profiler.stop("gelu", t0);
    return new Fwd<>(y, new Cache(h, pre));
  }

  public INDArray backward(Cache c, INDArray dOut) {
    if (c.pre() == null) {
      throw new IllegalStateException("BertIntermediate.backward after an eval forward (no pre-activation kept)");
    }
    long t0 = Profiler.start();
    Kernels.geluBackward(Buf.of(dOut), Buf.of(c.pre()), Buf.of(dOut), (int) dOut.length(),
        dOut.dataType() == DataType.DOUBLE);
    Profiler.stop("gelu bwd", t0);
    return dense.backward(c.h(), dOut);
  }
}
