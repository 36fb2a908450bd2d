/**
 * Fine-tuning BERT sequence classifiers: {@link io.finbert4j.core.train.AdamW} (torch.optim.AdamW semantics, fused
 * loops over the parameter buffers, global-norm clipping), {@link io.finbert4j.core.train.LinearWarmupSchedule}
 * (HF get_linear_schedule_with_warmup), {@link io.finbert4j.core.train.LayerSchedule} (discriminative learning
 * rates, freezing, gradual unfreezing — the FinBERT paper's techniques), {@link io.finbert4j.core.train.Trainer}
 * (epochs, length-bucketed seeded batches, evaluation, early stopping, best model, resumable checkpoints),
 * {@link io.finbert4j.core.train.Metrics}, CSV / JSON-lines reading ({@link io.finbert4j.core.train.Datasets}) and
 * atomic HF model-directory writing ({@link io.finbert4j.core.train.ModelDirectory}).
 *
 * <p>Everything iterates the model's one {@code ParameterRegistry}; the model computes the gradients
 * ({@code BertForSequenceClassification.forwardBackward}).
 */
package io.finbert4j.core.train;
