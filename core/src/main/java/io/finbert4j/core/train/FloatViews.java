package io.finbert4j.core.train;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Zero-copy {@link FloatBuffer} views of ND4J arrays, so that the optimizer can update ~200 parameter tensors in
 * fused Java loops instead of issuing several JNI ops (about 9 µs each) per tensor.
 */
final class FloatViews {
  private FloatViews() {}

  /**
   * A little-endian view of {@code a}'s elements in row-major order: index 0 is element 0 of the array. Writes go
   * straight to the array's native memory.
   *
   * @throws IllegalArgumentException if {@code a} is not FLOAT or not contiguous in C order
   */
  static FloatBuffer of(INDArray a, String what) {
    if (a.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException(what + " must be FLOAT, got " + a.dataType());
    }
    long n = a.length();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " has " + n + " elements, more than a Java buffer can index");
    }
    boolean contiguous = n <= 1 || (a.ordering() == 'c' && a.elementWiseStride() == 1);
    if (!contiguous) {
      throw new IllegalArgumentException(
          what + " is not a contiguous C-order array (ordering " + a.ordering() + ", element-wise stride "
              + a.elementWiseStride() + ")");
    }
    if (a.offset() != a.data().offset()) {
      // addressPointer() already points at the data buffer's offset; an extra array offset would be unaccounted for.
      throw new IllegalArgumentException(
          what + " has array offset " + a.offset() + " but data-buffer offset " + a.data().offset());
    }
    FloatPointer p = new FloatPointer(a.data().addressPointer());
    return p.capacity(n).asBuffer();
  }
}
