package io.finbert4j.core.nn;

import io.finbert4j.core.quant.QuantizedLinear;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The int8 inference kernels ({@link QuantizedLinear}) of one int8 model view, built lazily from the float
 * weights the first time each projection runs, then reused. An eval {@link Mode} carrying an instance makes the
 * encoder's four dense projections per layer (fused Q/K/V [3H, H], {@code attention.output.dense},
 * {@code intermediate.dense}, {@code output.dense}) run in int8; training modes never carry one.
 *
 * <p>Thread-safe: {@link ConcurrentHashMap#computeIfAbsent} quantizes each weight exactly once even when several
 * inference threads reach it together; the kernels themselves are immutable. The kernels are a snapshot of the
 * weights at first use: weights changed afterwards (training) are not seen — make a new view for them.
 */
public final class Int8Kernels {
  private final ConcurrentHashMap<Object, QuantizedLinear> kernels = new ConcurrentHashMap<>();

  /** The int8 kernel of {@code linear} (built on first call). */
  QuantizedLinear of(Linear linear) {
    return kernels.computeIfAbsent(linear, k -> outsideWorkspace(() -> QuantizedLinear.quantize(
        linear.weight.value(), linear.bias.value(), QuantizedLinear.ActivationScaling.PER_ROW)));
  }

  /**
   * One int8 kernel for query, key and value together: W [3H, H] = rows of W_q, W_k, W_v, bias [3H]. Weights are
   * quantized per output channel and activations per row, so fusing changes no value, only the number of passes.
   */
  QuantizedLinear fusedQkv(BertSelfAttention attention) {
    return kernels.computeIfAbsent(attention, k -> outsideWorkspace(() -> {
      Linear[] parts = {attention.query, attention.key, attention.value};
      int in = parts[0].inFeatures();
      int outTotal = 0;
      for (Linear l : parts) {
        outTotal += l.outFeatures();
      }
      float[] w = new float[outTotal * in]; // [3H, H] row-major
      float[] b = new float[outTotal]; // [3H]
      int row = 0;
      for (Linear l : parts) {
        float[] lw = l.weight.value().castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] lb = l.bias.value().castTo(DataType.FLOAT).dup('c').data().asFloat();
        System.arraycopy(lw, 0, w, row * in, lw.length);
        System.arraycopy(lb, 0, b, row, lb.length);
        row += l.outFeatures();
      }
      return QuantizedLinear.quantize(w, outTotal, in, b, QuantizedLinear.ActivationScaling.PER_ROW);
    }));
  }

  /** Frees the int8 weights' off-heap buffers (the owning model's close); the kernels must not run afterwards. */
  public void close() {
    for (QuantizedLinear k : kernels.values()) {
      INDArray w = k.weightInt8();
      if (w.closeable()) {
        w.close();
      }
    }
    kernels.clear();
  }

  /** Number of kernels built so far (tests: lazy construction, sharing across calls). */
  public int size() {
    return kernels.size();
  }

  /** Quantization temporaries must not land in the caller's per-pass inference workspace. */
  private static QuantizedLinear outsideWorkspace(Supplier<QuantizedLinear> build) {
    try (var ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return build.get();
    }
  }

  /** y [M, OUT] (new, uninitialised then written) = x·Wᵀ + b through {@code kernel}. */
  static INDArray forward(QuantizedLinear kernel, INDArray x) {
    INDArray y = Nd4j.createUninitialized(x.dataType(), x.size(0), kernel.outFeatures());
    kernel.forward(x, y);
    return y;
  }
}
