package io.finbert4j.core;

import io.finbert4j.core.dense.BlasDense;
import io.finbert4j.core.dense.DenseBackend;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one ordered registry of parameters (HF name → value + grad). The optimizer, clipping,
 * checkpointing, gradient checks and gradient dumps all iterate it, in Hugging Face's state-dict order.
 */
public final class ParameterRegistry implements Iterable<Parameter> {
  private final LinkedHashMap<String, Parameter> byName = new LinkedHashMap<>();
  private final DataType dataType;
  private DenseBackend dense; // chosen on first use; guarded by this
  private final ModelLifecycle lifecycle = new ModelLifecycle();

  public ParameterRegistry(DataType dataType) {
    this.dataType = dataType;
    lifecycle.onClose(() -> byName.values().forEach(Parameter::release));
    lifecycle.onClose(this::closeDense); // the dense backend's primitives and streams go with the weights
  }

  /** Open/closed state of these parameters' memory, shared by every model and view built on them. */
  ModelLifecycle lifecycle() {
    return lifecycle;
  }

  /**
   * Frees every parameter's off-heap value and gradient (after waiting for passes in flight). Models built on this
   * registry are closed with it. Closing twice is harmless; afterwards {@link Parameter#value()} throws.
   */
  public void close() {
    lifecycle.close();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return lifecycle.isClosed();
  }

  /**
   * The backend that runs the dense products of these parameters ({@link DenseBackend#create}: oneDNN or ND4J's
   * gemm), created on first use. It holds native resources (primitives, streams) until {@link #closeDense()}.
   */
  public synchronized DenseBackend dense() {
    if (dense == null) {
      dense = DenseBackend.create(dataType);
    }
    return dense;
  }

  /**
   * Makes {@code backend} run these parameters' dense products from now on (e.g. {@code OneDnnDense.bf16Training()}
   * for a bf16 fine-tuning run) and returns the one it replaces (not closed: the caller may restore it); the
   * caller owns both.
   */
  public synchronized DenseBackend useDense(DenseBackend backend) {
    DenseBackend old = dense();
    dense = java.util.Objects.requireNonNull(backend, "backend");
    return old;
  }

  /**
   * Releases the dense backend's native resources now (the model's close calls this); later products run on
   * ND4J's gemm ({@link BlasDense}), so a model used after closing still computes, only slower. Idempotent.
   */
  public synchronized void closeDense() {
    if (dense != null) {
      dense.close();
    }
    dense = BlasDense.INSTANCE;
  }

  /** Creates and registers a zero-initialised parameter. */
  public Parameter create(String name, int layerIndex, boolean decays, long... shape) {
    if (byName.containsKey(name)) {
      throw new IllegalStateException("parameter registered twice: " + name);
    }
    lifecycle.checkOpen("creating parameter " + name);
    Parameter p = new Parameter(name, Nd4j.zeros(dataType, shape), layerIndex, decays, lifecycle);
    byName.put(name, p);
    return p;
  }

  /** Removes a parameter (used when a classification head is replaced). */
  void remove(String name) {
    byName.remove(name);
  }

  public DataType dataType() {
    return dataType;
  }

  /** The parameter with this HF name; IllegalArgumentException naming it if absent. */
  public Parameter get(String hfName) {
    Parameter p = byName.get(hfName);
    if (p == null) {
      throw new IllegalArgumentException("no parameter named " + hfName);
    }
    return p;
  }

  public boolean contains(String hfName) {
    return byName.containsKey(hfName);
  }

  public List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
  }

  public void zeroGrad() {
    for (Parameter p : byName.values()) {
      p.grad().assign(0);
    }
  }

  public int size() {
    return byName.size();
  }

  public long numParameters() {
    long n = 0;
    for (Parameter p : byName.values()) {
      n += p.value().length();
    }
    return n;
  }

  @Override
  public Iterator<Parameter> iterator() {
    return Collections.unmodifiableCollection(byName.values()).iterator();
  }

  /**
   * Copies every registered parameter's value from {@code source} (canonical HF names); every
   * parameter must be present with exactly its shape. Tensors of the source that are not
   * registered are ignored here (the strict check of unknown keys is BertCheckpoint's job).
   */
  public void loadFrom(TensorSource source) {
    List<String> problems = new ArrayList<>();
    for (Parameter p : byName.values()) {
      if (!source.contains(p.name())) {
        problems.add("missing " + p.name());
        continue;
      }
      Tensor t = source.get(p.name());
      if (!Arrays.equals(t.shape(), p.shape())) {
        problems.add(p.name() + " has shape " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(p.shape()));
        continue;
      }
      if (dataType == DataType.FLOAT && t.dtype() == io.finbert4j.weights.DType.F32) {
        // Straight from the (memory-mapped) tensor bytes into the ND4J buffer: no Java-heap copy.
        p.value().data().asNioFloat().put(0, t.bytes().asFloatBuffer(), 0, (int) t.numel());
        continue;
      }
      float[] data = t.toFloatArray();
      INDArray src = Nd4j.createFromArray(data).reshape(p.shape());
      p.value().assign(dataType == DataType.FLOAT ? src : src.castTo(dataType));
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("cannot load weights: " + String.join("; ", problems));
    }
  }

  /** Value tensors as float32 weights-module tensors under HF names (copies). */
  public List<Tensor> valueTensors() {
    List<Tensor> out = new ArrayList<>();
    for (Parameter p : byName.values()) {
      out.add(Tensor.ofFloats(p.name(), p.shape(), p.value().castTo(DataType.FLOAT).dup('c').data().asFloat()));
    }
    return out;
  }

  /** Gradient tensors as float32 weights-module tensors under HF names (copies). */
  public List<Tensor> gradTensors() {
    List<Tensor> out = new ArrayList<>();
    for (Parameter p : byName.values()) {
      out.add(Tensor.ofFloats(p.name(), p.shape(), p.grad().castTo(DataType.FLOAT).dup('c').data().asFloat()));
    }
    return out;
  }

  /** Writes the values as {@code model.safetensors}-style file with HF names (atomic). */
  public void saveSafetensors(Path file) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", "pt");
    Safetensors.write(file, valueTensors(), meta);
  }
}
