package io.finbert4j.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable named tensor: element type, shape and a little-endian byte buffer of exactly
 * {@code numel() * dtype().byteSize()} bytes in row-major (C) order. The buffer may be a zero-copy slice of a memory
 * mapping (safetensors) or of a storage shared with other tensors (PyTorch views); it is never written through.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final long numel;
  /** Read-only, little-endian, position 0, limit = byte size. */
  private final ByteBuffer data;

  private Tensor(String name, DType dtype, long[] shape, long numel, ByteBuffer data) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.numel = numel;
    this.data = data;
  }

  /**
   * A tensor over the given bytes (not copied: the remaining bytes of {@code data}, which must not be modified
   * afterwards).
   *
   * @throws IllegalArgumentException if a dimension is negative, or the byte count differs from shape × dtype size
   */
  public static Tensor of(String name, DType dtype, long[] shape, ByteBuffer data) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    long n = numel(name, shape);
    long bytes;
    try {
      bytes = Math.multiplyExact(n, dtype.byteSize());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " overflows");
    }
    if (bytes != data.remaining()) {
      throw new IllegalArgumentException(
          "tensor " + name + ": shape " + Arrays.toString(shape) + " × " + dtype + " (" + dtype.byteSize()
              + " bytes) needs " + bytes + " bytes but the buffer holds " + data.remaining());
    }
    ByteBuffer ro = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    return new Tensor(name, dtype, shape.clone(), n, ro);
  }

  /** A float32 tensor holding a copy of {@code data} (length must equal the shape's element count). */
  public static Tensor ofFloats(String name, long[] shape, float[] data) {
    long n = numel(name, shape);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "tensor " + name + ": shape " + Arrays.toString(shape) + " has " + n + " elements but " + data.length
              + " floats were given");
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(data.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(data);
    return of(name, DType.F32, shape, buf);
  }

  /** Element count of a shape, checking for negative dimensions and overflow. */
  static long numel(String name, long[] shape) {
    Objects.requireNonNull(shape, "shape");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
      }
      try {
        n = Math.multiplyExact(n, d);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " overflows");
      }
    }
    return n;
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of elements (1 for a scalar). */
  public long numel() {
    return numel;
  }

  /** Size of the data in bytes. */
  public long byteSize() {
    return data.capacity();
  }

  /** The data: a read-only little-endian view (position 0), possibly zero-copy over a mapping. */
  public ByteBuffer bytes() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The same data under another name (no copy). */
  public Tensor withName(String newName) {
    return new Tensor(Objects.requireNonNull(newName, "newName"), dtype, shape, numel, data);
  }

  /**
   * Returns a new float array with every element converted to float32 (integers and booleans by value, F64 rounded).
   *
   * @throws IllegalStateException if the tensor has more than {@link Integer#MAX_VALUE} - 8 elements
   */
  public float[] toFloatArray() {
    if (numel > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("tensor " + name + " has " + numel + " elements, too many for one float[]");
    }
    float[] out = new float[(int) numel];
    copyToFloats(out, 0);
    return out;
  }

  /** Writes every element, converted to float32, into {@code dst[offset .. offset + numel)}. */
  public void copyToFloats(float[] dst, int offset) {
    if (offset < 0 || numel > dst.length - (long) offset) {
      throw new IndexOutOfBoundsException(
          "tensor " + name + ": " + numel + " elements do not fit into float[" + dst.length + "] at offset " + offset);
    }
    int n = (int) numel;
    ByteBuffer b = bytes();
    switch (dtype) {
      case F32 -> {
        FloatBuffer fb = b.asFloatBuffer();
        fb.get(dst, offset, n);
      }
      case F64 -> {
        var db = b.asDoubleBuffer();
        for (int i = 0; i < n; i++) {
          dst[offset + i] = (float) db.get(i);
        }
      }
      case F16 -> {
        var sb = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          dst[offset + i] = halfToFloat(sb.get(i));
        }
      }
      case BF16 -> {
        var sb = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          // bfloat16 is the upper half of a float32's bits
          dst[offset + i] = Float.intBitsToFloat((sb.get(i) & 0xFFFF) << 16);
        }
      }
      case I64 -> {
        var lb = b.asLongBuffer();
        for (int i = 0; i < n; i++) {
          dst[offset + i] = lb.get(i);
        }
      }
      case I32 -> {
        var ib = b.asIntBuffer();
        for (int i = 0; i < n; i++) {
          dst[offset + i] = ib.get(i);
        }
      }
      case I16 -> {
        var sb = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          dst[offset + i] = sb.get(i);
        }
      }
      case I8 -> {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = b.get(i);
        }
      }
      case U8 -> {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = b.get(i) & 0xFF;
        }
      }
      case BOOL -> {
        for (int i = 0; i < n; i++) {
          dst[offset + i] = b.get(i) != 0 ? 1f : 0f;
        }
      }
      default -> throw new IllegalStateException("unhandled dtype " + dtype);
    }
  }

  /** Converts an IEEE 754 binary16 bit pattern to float32 (exact: every half is representable). */
  static float halfToFloat(short bits) {
    int h = bits & 0xFFFF;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1F;
    int mant = h & 0x3FF;
    if (exp == 0x1F) {
      // infinity or NaN: keep the payload
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal half: value = mant × 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    // normal: rebias the exponent from 15 to 127
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** True if both tensors have the same dtype, shape and bytes (names are not compared). */
  public boolean contentEquals(Tensor other) {
    return dtype == other.dtype && Arrays.equals(shape, other.shape) && bytes().equals(other.bytes());
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
  }
}
