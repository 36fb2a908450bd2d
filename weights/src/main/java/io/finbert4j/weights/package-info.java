/**
 * Model files without ND4J and without Python: typed tensor buffers with shapes, for {@code core} to turn into
 * arrays.
 *
 * <ul>
 *   <li>{@link io.finbert4j.weights.Safetensors}: memory-mapped, validated safetensors reading (single files over
 *       2 GiB, sharded checkpoints) and atomic writing in Hugging Face's layout.
 *   <li>{@link io.finbert4j.weights.PyTorchCheckpoint}: {@code pytorch_model.bin} in the zip and the legacy format,
 *       through a restricted unpickler that never executes anything ({@link io.finbert4j.weights.UnsafePickleException}).
 *   <li>{@link io.finbert4j.weights.BertConfig}: {@code config.json} with HF defaults and validation.
 *   <li>{@link io.finbert4j.weights.BertWeightNames} and {@link io.finbert4j.weights.BertCheckpoint}: name
 *       normalisation in one place and a strictly checked model directory.
 * </ul>
 *
 * <p>Every format violation is a {@link io.finbert4j.weights.TensorFormatException} whose message names the file,
 * the tensor or record, and the rule.
 */
package io.finbert4j.weights;
