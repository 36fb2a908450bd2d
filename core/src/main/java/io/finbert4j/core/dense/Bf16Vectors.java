package io.finbert4j.core.dense;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Bf16}'s rounding loop on the incubating Vector API (one AVX-512 lane group per step: about 8× the scalar
 * loop). Only loaded when the JVM resolved {@code jdk.incubator.vector} ({@code VectorSupport.AVAILABLE}).
 */
final class Bf16Vectors {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> S =
      VectorSpecies.of(short.class, VectorShape.forBitSize(F.length() * Short.SIZE));

  private Bf16Vectors() {}

  /** h[i] = bf16(f[i]) for i < len, as {@link Bf16#round(float)}. */
  static void round(float[] f, short[] h, int len) {
    int i = 0;
    for (int end = F.loopBound(len); i < end; i += F.length()) {
      IntVector b = FloatVector.fromArray(F, f, i).reinterpretAsInts();
      IntVector r = b.add(b.lanewise(VectorOperators.LSHR, 16).and(1)).add(0x7FFF).lanewise(VectorOperators.LSHR, 16);
      ((ShortVector) r.convertShape(VectorOperators.I2S, S, 0)).intoArray(h, i);
    }
    for (; i < len; i++) {
      h[i] = Bf16.round(f[i]);
    }
  }
}
