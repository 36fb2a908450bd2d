/**
 * Inference kernels for the encoder's {@code nn.Linear}s in float32 or int8 ({@code --precision int8}).
 *
 * <p>{@link io.finbert4j.core.quant.Linear#create} gives, per weight, either {@link io.finbert4j.core.quant.FloatLinear}
 * (bias pre-filled, one sgemm with beta = 1, transposed weight via the gemm flag) or
 * {@link io.finbert4j.core.quant.QuantizedLinear} (per-output-channel int8 weights, dynamic per-token int8
 * activations, exact int8×int8→int32 oneDNN 3 product, one Java rescale + bias pass). int8 needs oneDNN 3 to load
 * ({@link io.finbert4j.core.dense.OneDnn}); {@link io.finbert4j.core.quant.Int8Support} checks that plus an exact and
 * timed self-test once per JVM and {@link io.finbert4j.core.quant.Precision#effective()} falls back to float32
 * otherwise.
 *
 * <p>Where the model uses them (inference only; training and gradients stay float32): the fused Q/K/V projection
 * ([B·T, H] → [B·T, 3H]), {@code attention.output.dense} (H → H), {@code intermediate.dense} (H → I) and
 * {@code output.dense} (I → H) of every layer. Embeddings, attention scores / context (activation × activation),
 * LayerNorm, GELU, pooler and classifier stay float32.
 */
package io.finbert4j.core.quant;
