package io.finbert4j.core;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One named model parameter: its value, its gradient accumulator (same shape and type), and what the
 * optimizer needs to know about it. Names are Hugging Face's ({@code bert.encoder.layer.3.output.dense.weight}).
 */
public final class Parameter {
  private final String name;
  private final INDArray value;
  /** Allocated on first use: inference never needs gradients, so a loaded model holds only its weights. */
  private volatile INDArray grad;
  private final int layerIndex;
  private final boolean decays;
  private volatile boolean trainable = true;
  private final ModelLifecycle lifecycle;

  Parameter(String name, INDArray value, int layerIndex, boolean decays, ModelLifecycle lifecycle) {
    this.name = name;
    this.value = value;
    this.lifecycle = lifecycle;
    this.layerIndex = layerIndex;
    this.decays = decays;
  }

  /** The Hugging Face name. */
  public String name() {
    return name;
  }

  /**
   * The value (contiguous, C order); optimizers update it in place.
   *
   * @throws IllegalStateException once the model owning it was closed (its memory is released)
   */
  public INDArray value() {
    lifecycle.checkOpen(name);
    return value;
  }

  /**
   * The gradient accumulator (zeros when first asked for): backward passes add into it;
   * {@link ParameterRegistry#zeroGrad()} clears it.
   */
  public INDArray grad() {
    lifecycle.checkOpen(name);
    INDArray g = grad;
    if (g == null) {
      synchronized (this) {
        g = grad;
        if (g == null) {
          g = value.ulike().assign(0);
          grad = g;
        }
      }
    }
    return g;
  }

  /** -1 for embeddings, 0..L-1 for encoder layers, L for the pooler and classifier (the head). */
  public int layerIndex() {
    return layerIndex;
  }

  /** False for biases and LayerNorm weights, which take no weight decay (as HF's Trainer does). */
  public boolean decays() {
    return decays;
  }

  public boolean trainable() {
    return trainable;
  }

  public void setTrainable(boolean trainable) {
    this.trainable = trainable;
  }

  public long[] shape() {
    return value.shape();
  }

  /** Frees the value's and the gradient's off-heap buffers (ModelLifecycle.close only). */
  void release() {
    releaseArray(value);
    INDArray g = grad;
    if (g != null) {
      releaseArray(g);
    }
  }

  private static void releaseArray(INDArray a) {
    if (a.closeable()) {
      a.close();
    }
  }

  @Override
  public String toString() {
    return name + java.util.Arrays.toString(value.shape());
  }
}
