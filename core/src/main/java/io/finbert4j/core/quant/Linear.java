package io.finbert4j.core.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An inference-only {@code nn.Linear} kernel, {@code out = x·Wᵀ + b} with x [M, IN] and out [M, OUT] dense
 * row-major float32: either {@link FloatLinear} (sgemm) or {@link QuantizedLinear} (int8). The model asks
 * {@link #create} for one per weight at load time and calls {@link #forward} with pre-allocated outputs.
 */
public interface Linear {
  int inFeatures();

  int outFeatures();

  /** A short description for logs, e.g. "float32 sgemm". */
  String kind();

  /** Writes {@code out = x·Wᵀ + b}; x [M, IN], out [M, OUT], both dense row-major float. Thread-safe. */
  void forward(INDArray x, INDArray out);

  /**
   * The kernel for {@code precision}: int8 when requested and {@link Int8Support#available()}, otherwise float32
   * (the documented fallback on CPUs or native builds without fast int8).
   *
   * @param weight [OUT, IN] (HF {@code nn.Linear} layout); the float kernel keeps a reference, not a copy
   * @param bias [OUT] or null
   */
  static Linear create(INDArray weight, INDArray bias, Precision precision) {
    if (precision.effective() == Precision.INT8) {
      return QuantizedLinear.quantize(weight, bias, QuantizedLinear.ActivationScaling.PER_ROW);
    }
    return new FloatLinear(weight, bias);
  }
}
