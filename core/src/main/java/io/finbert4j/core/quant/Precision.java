package io.finbert4j.core.quant;

import java.util.Locale;

/** Numeric precision of inference matrix products ({@code --precision}). */
public enum Precision {
  /** float32 sgemm everywhere (the default; training always uses it). */
  FLOAT32,
  /** int8 weights (per channel) and dynamically quantized activations (per token) for the encoder's Linears. */
  INT8;

  /** Parses "float32"/"fp32"/"f32" or "int8" (case-insensitive). */
  public static Precision parse(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "float32":
      case "fp32":
      case "f32":
        return FLOAT32;
      case "int8":
      case "i8":
        return INT8;
      default:
        throw new IllegalArgumentException("unknown precision \"" + s + "\"; expected float32 or int8");
    }
  }

  /** The precision that will actually run: INT8 falls back to FLOAT32 unless {@link Int8Support#available()}. */
  public Precision effective() {
    return this == INT8 && !Int8Support.available() ? FLOAT32 : this;
  }
}
