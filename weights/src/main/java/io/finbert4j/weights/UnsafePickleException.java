package io.finbert4j.weights;

/**
 * A pickle referenced a Python global (class or function) outside the small allow-list that a PyTorch state dict
 * needs, such as {@code os.system} or {@code builtins.eval}. Nothing is executed: the restricted unpickler refuses
 * the global as soon as it is named.
 */
public final class UnsafePickleException extends TensorFormatException {
  private static final long serialVersionUID = 1L;
  private final String global;

  public UnsafePickleException(String global, String message) {
    super(message);
    this.global = global;
  }

  /** The refused global as {@code module.name}. */
  public String global() {
    return global;
  }
}
