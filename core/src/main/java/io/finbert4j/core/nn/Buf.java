package io.finbert4j.core.nn;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A zero-copy element accessor over a contiguous C-order ND4J array's native memory, so that the
 * elementwise kernels ({@link Kernels}) are written once for FLOAT (inference, training) and DOUBLE
 * (gradient checks). Index 0 is the array's first element. In one JVM run almost always only the
 * float implementation is used, so the call sites stay monomorphic and inline.
 */
public abstract sealed class Buf permits Buf.F32, Buf.F64 {

  /** Number of elements. */
  public abstract int length();

  public abstract double get(int i);

  public abstract void set(int i, double v);

  public final void add(int i, double v) {
    set(i, get(i) + v);
  }

  /**
   * The float storage for the vectorisable fast paths in {@link Kernels} (bulk absolute get/put into
   * per-thread float[] scratch), or null for DOUBLE, whose kernels stay on the plain element path.
   */
  public FloatBuffer floats() {
    return null;
  }

  /** Wraps {@code a} (must be contiguous, C order, FLOAT or DOUBLE, not a view with an offset). */
  public static Buf of(INDArray a) {
    long n = a.length();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("array of " + n + " elements is too large for a Java index");
    }
    if (n > 1 && (a.ordering() != 'c' || a.elementWiseStride() != 1)) {
      throw new IllegalArgumentException("array must be contiguous C order, got ordering "
          + a.ordering() + " stride " + a.elementWiseStride());
    }
    if (a.offset() != 0) {
      throw new IllegalArgumentException("array views with an offset are not supported here");
    }
    if (a.dataType() == DataType.FLOAT) {
      return new F32(a.data().asNioFloat(), (int) n);
    } else if (a.dataType() == DataType.DOUBLE) {
      return new F64(a.data().asNioDouble(), (int) n);
    }
    throw new IllegalArgumentException("unsupported data type " + a.dataType() + " (FLOAT or DOUBLE)");
  }

  static final class F32 extends Buf {
    private final FloatBuffer b;
    private final int n;

    F32(FloatBuffer b, int n) {
      this.b = b;
      this.n = n;
    }

    @Override
    public int length() {
      return n;
    }

    @Override
    public double get(int i) {
      return b.get(i);
    }

    @Override
    public void set(int i, double v) {
      b.put(i, (float) v);
    }

    @Override
    public FloatBuffer floats() {
      return b;
    }
  }

  static final class F64 extends Buf {
    private final DoubleBuffer b;
    private final int n;

    F64(DoubleBuffer b, int n) {
      this.b = b;
      this.n = n;
    }

    @Override
    public int length() {
      return n;
    }

    @Override
    public double get(int i) {
      return b.get(i);
    }

    @Override
    public void set(int i, double v) {
      b.put(i, v);
    }
  }
}
