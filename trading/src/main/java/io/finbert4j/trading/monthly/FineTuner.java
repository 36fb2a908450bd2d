package io.finbert4j.trading.monthly;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.FinBertOptions;
import io.finbert4j.core.train.AdamW;
import io.finbert4j.core.train.Batch;
import io.finbert4j.core.train.LabeledExample;
import io.finbert4j.core.train.LayerSchedule;
import io.finbert4j.core.train.LengthBucketSampler;
import io.finbert4j.tokenizer.BertTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fine-tunes a fresh copy of a base model the way the published monthly-finetune algorithm does: plain Adam
 * (AdamW with weight decay 0), a constant learning rate (no warm-up, no decay, no clipping), a few epochs of small
 * batches, seeded; optionally only the last N layers or the head train. Uses core's own backward pass and optimizer
 * (the {@code Trainer} always decays the rate linearly, which the published recipe does not).
 */
public final class FineTuner {
  private FineTuner() {}

  /** The fine-tuned model ready to score, and how long the training took. */
  public record Tuned(FinBert finbert, double seconds, double lastLoss) {}

  /**
   * @param labelIds class id (index into the model's id2label) of each example
   */
  public static Tuned fineTune(Path baseDir, List<String> texts, int[] labelIds, MonthlySettings m, long seed)
      throws IOException {
    long t0 = System.nanoTime();
    BertForSequenceClassification model = BertForSequenceClassification.load(baseDir);
    BertTokenizer tok = BertTokenizer.fromDirectory(baseDir);
    List<LabeledExample> ex = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      ex.add(new LabeledExample(texts.get(i), null, labelIds[i], i + 1));
    }
    List<Batch.Encoded> enc = Batch.encode(tok, ex, Math.min(m.maxLength(), model.config().maxPositionEmbeddings()));
    int[] lengths = enc.stream().mapToInt(Batch.Encoded::length).toArray();
    LengthBucketSampler sampler = new LengthBucketSampler(lengths, m.batch(), 1, seed);
    LayerSchedule layers = new LayerSchedule(model.config().numHiddenLayers(), 1.0,
        LayerSchedule.Freeze.parse(m.freeze()), 0);
    AdamW adam = new AdamW(model.parameters(), new AdamW.Hyper(AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2,
        AdamW.DEFAULT_EPS, 0.0));
    long step = 0;
    double loss = Double.NaN;
    for (int epoch = 0; epoch < m.epochs(); epoch++) {
      for (List<Integer> idx : sampler.epoch(epoch)) {
        layers.apply(model.parameters(), step);
        model.parameters().zeroGrad();
        List<Batch.Encoded> items = new ArrayList<>();
        for (int i : idx) {
          items.add(enc.get(i));
        }
        Batch b = Batch.pad(items, tok.padId());
        loss = model.forwardBackward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), b.labels(), null, true,
            new SplittableRandom(seed * 1_000_003L + step).nextLong());
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException("fine-tuning diverged: loss " + loss + " (try a lower --finetune-lr)");
        }
        adam.step(m.lr(), layers::lrScale, 1.0, 0.0);
        step++;
      }
    }
    FinBert fb = FinBert.create(tok, model.config(), model::predictLogits,
        new FinBertOptions(FinBertOptions.DEFAULT_BATCH_SIZE, Math.min(m.maxLength(), model.config().maxPositionEmbeddings())));
    return new Tuned(fb, (System.nanoTime() - t0) / 1e9, loss);
  }
}
