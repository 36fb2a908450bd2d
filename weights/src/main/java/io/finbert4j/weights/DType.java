package io.finbert4j.weights;

import java.util.Locale;

/**
 * Element types of a stored tensor, named as the safetensors format names them. All multi-byte types are
 * little-endian in every buffer this module hands out.
 */
public enum DType {
  F64(8, "F64"),
  F32(4, "F32"),
  /** IEEE 754 half precision. */
  F16(2, "F16"),
  /** bfloat16: the upper 16 bits of a float32. */
  BF16(2, "BF16"),
  I64(8, "I64"),
  I32(4, "I32"),
  I16(2, "I16"),
  I8(1, "I8"),
  U8(1, "U8"),
  /** One byte per element, 0 = false, anything else = true. */
  BOOL(1, "BOOL");

  private final int byteSize;
  private final String safetensorsName;

  DType(int byteSize, String safetensorsName) {
    this.byteSize = byteSize;
    this.safetensorsName = safetensorsName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The {@code dtype} string used in a safetensors header, e.g. {@code "F32"}. */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** True for the floating-point types. */
  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /**
   * The type named by a safetensors {@code dtype} string.
   *
   * @throws IllegalArgumentException naming the unknown type
   */
  public static DType fromSafetensorsName(String name) {
    for (DType t : values()) {
      if (t.safetensorsName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype \"" + name + "\" (known: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
  }

  @Override
  public String toString() {
    return safetensorsName.toUpperCase(Locale.ROOT);
  }
}
