package io.finbert4j.weights;

import java.util.List;
import java.util.Map;

/**
 * A set of named tensors read from a checkpoint (a safetensors file, a sharded safetensors checkpoint, a PyTorch
 * {@code .bin}, or a normalised view of one of those). Tensors handed out may be zero-copy views into a memory
 * mapping: they stay valid as long as the JVM references them, but a source must not be used after {@link #close()}.
 */
public interface TensorSource extends AutoCloseable {

  /** All tensor names, in a stable order (file order for safetensors, HF order for normalised views). */
  List<String> names();

  /** Whether a tensor of that name exists. */
  boolean contains(String name);

  /**
   * The tensor of that name.
   *
   * @throws IllegalArgumentException naming the missing tensor and this source
   */
  Tensor get(String name);

  /** Free-form string metadata (safetensors {@code __metadata__}); empty when the format has none. */
  Map<String, String> metadata();

  /** Releases the source; tensors already obtained stay readable. Never throws a checked exception. */
  @Override
  void close();
}
