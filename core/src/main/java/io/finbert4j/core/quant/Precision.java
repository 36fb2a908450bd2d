package io.finbert4j.core.quant;

import java.util.Locale;

/** Numeric precision of inference matrix products ({@code --precision}). */
public enum Precision {
  /** float32 sgemm everywhere (the default; training always uses it). */
  FLOAT32,
  /** int8 weights (per channel) and dynamically quantized activations (per token) for the encoder's Linears. */
  INT8,
  /**
   * bf16 products with float32 accumulation (oneDNN: inputs rounded to bf16 per call, weights packed to bf16 once;
   * bias, GELU, LayerNorm, softmax and attention stay float32), on CPUs with AVX512-BF16, AMX-BF16 or AVX-NE-CONVERT;
   * float32 elsewhere. Training in bf16 ({@code finetune --precision bf16}) uses
   * {@code OneDnnDense.bf16Training()} instead: every product's operands rounded per call, float32 master weights.
   */
  BF16;

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
      case "bf16":
      case "bfloat16":
        return BF16;
      default:
        throw new IllegalArgumentException("unknown precision \"" + s + "\"; expected float32, bf16 or int8");
    }
  }

  /**
   * The precision that will actually run: INT8 falls back to FLOAT32 unless {@link Int8Support#available()}, BF16
   * unless {@link #bf16Status()} says the CPU runs bf16 products.
   */
  public Precision effective() {
    if (this == INT8 && !Int8Support.available()) {
      return FLOAT32;
    }
    if (this == BF16 && bf16Status() != null) {
      return FLOAT32;
    }
    return this;
  }

  /** Why bf16 cannot run here (one line), or null when it can. */
  public static String bf16Status() {
    io.finbert4j.core.dense.OneDnn.Status s = io.finbert4j.core.dense.OneDnn.status();
    if (!s.usable()) {
      return "bf16 needs oneDNN: " + s.reason();
    }
    if (!io.finbert4j.core.dense.OneDnn.cpuHasBf16()) {
      return "this CPU has no bf16 instructions (avx512_bf16, amx_bf16 or avx_ne_convert; oneDNN ISA " + s.isa()
          + ")";
    }
    return null;
  }
}
