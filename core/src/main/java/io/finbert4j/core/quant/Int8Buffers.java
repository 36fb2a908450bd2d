package io.finbert4j.core.quant;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Zero-copy access to the off-heap storage of dense row-major ND4J arrays, so the quantize / rescale loops run in
 * Java on bulk-copied rows (one JNI call per product instead of several elementwise ND4J ops, each of which costs
 * ~9 µs plus a slow pass over memory).
 */
final class Int8Buffers {
  private Int8Buffers() {}

  /** Checks that {@code a} is a dense row-major matrix of the given type and shape; {@code what} names it. */
  static void requireDense(INDArray a, DataType type, long rows, long cols, String what) {
    if (a.dataType() != type) {
      throw new IllegalArgumentException(what + " must be " + type + ", got " + a.dataType());
    }
    if (a.rank() != 2 || a.rows() != rows || a.columns() != cols) {
      throw new IllegalArgumentException(what + " must be [" + rows + ", " + cols + "], got "
          + java.util.Arrays.toString(a.shape()));
    }
    if (a.ordering() != 'c' || a.stride(1) != 1 || a.stride(0) != cols) {
      throw new IllegalArgumentException(what + " must be a dense row-major ('c') matrix, got ordering "
          + a.ordering() + " strides " + java.util.Arrays.toString(a.stride()));
    }
  }

  /** Float view of {@code a}'s elements, index 0 = a[0,0]. */
  static FloatBuffer floats(INDArray a) {
    return a.data().asNioFloat().position((int) a.offset()).slice();
  }

  /** Int view of {@code a}'s elements, index 0 = a[0,0]. */
  static IntBuffer ints(INDArray a) {
    return a.data().asNioInt().position((int) a.offset()).slice();
  }

  /** Byte view of an int8 array's elements, index 0 = a[0,0]. */
  static ByteBuffer bytes(INDArray a) {
    return a.data().asNio().position((int) a.offset()).slice();
  }

  /** A new dense int8 [rows, cols] array holding {@code data} (row-major). */
  static INDArray int8Matrix(byte[] data, int rows, int cols) {
    INDArray a = Nd4j.create(DataType.INT8, rows, cols);
    bytes(a).put(0, data, 0, data.length);
    return a;
  }
}
