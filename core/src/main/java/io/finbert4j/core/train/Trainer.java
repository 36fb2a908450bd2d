package io.finbert4j.core.train;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Fine-tunes a {@link BertForSequenceClassification}: seeded length-bucketed batches, AdamW with linear warm-up and
 * decay, global-norm clipping, gradient accumulation, discriminative learning rates and (gradual) freezing,
 * evaluation after every epoch, early stopping, best-model selection, and resumable checkpoints.
 *
 * <p>Output directory layout: the final model (the best by {@link TrainerConfig#metric()} when evaluation data is
 * given, else the last) as a complete HF model directory, plus {@code checkpoint-last/} (model, optimizer state,
 * trainer state; resume from it) and {@code checkpoint-best/} (model) when checkpoints are on.
 */
public final class Trainer {
  public static final String CHECKPOINT_LAST = "checkpoint-last";
  public static final String CHECKPOINT_BEST = "checkpoint-best";
  /** Seconds between progress lines when stderr is not a terminal. */
  public static final double NON_INTERACTIVE_PERIOD_S = 30;

  private final BertForSequenceClassification model;
  private final BertTokenizer tokenizer;
  private final Path tokenizerSource;
  private final TrainerConfig cfg;
  private final PrintWriter log;
  private final boolean interactive;
  private int stopAfterEpochs = Integer.MAX_VALUE;

  /**
   * @param tokenizerSource directory whose tokenizer files are copied into every saved model
   * @param log progress and epoch summaries (stderr in the CLI); {@code interactive}: redraw with \r
   */
  public Trainer(BertForSequenceClassification model, BertTokenizer tokenizer, Path tokenizerSource,
      TrainerConfig cfg, PrintWriter log, boolean interactive) {
    if (model.config().labels().isEmpty()) {
      throw new IllegalArgumentException("the model has no labels (id2label): add a head with `finbert init`");
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.tokenizerSource = tokenizerSource;
    this.cfg = cfg;
    this.log = log;
    this.interactive = interactive;
  }

  /** Ends this run after {@code n} epochs (counted from epoch 0) even if more are configured (resumable). */
  public Trainer stopAfterEpochs(int n) {
    this.stopAfterEpochs = n;
    return this;
  }

  /** What a run produced. {@code evalMetrics}: of the returned (best) model, null without evaluation data. */
  public record Result(TrainerState state, Metrics evalMetrics, double trainSeconds, long trainExamples,
      boolean stoppedEarly) {
    public double examplesPerSecond() {
      return trainSeconds > 0 ? trainExamples / trainSeconds : 0;
    }
  }

  /**
   * Trains, evaluating on {@code eval} (nullable) after each epoch, and saves the final model to {@code outDir}.
   *
   * @param resumeFrom a {@code checkpoint-last} directory to continue from (its weights must already be loaded in
   *     the model: load the model from that directory), or null
   */
  public Result train(List<LabeledExample> train, List<LabeledExample> eval, Path outDir, Path resumeFrom)
      throws IOException {
    ParameterRegistry params = model.parameters();
    int numLayers = model.config().numHiddenLayers();
    int padId = tokenizer.padId();
    List<Batch.Encoded> trainEnc = Batch.encode(tokenizer, train, cfg.maxLength());
    List<Batch.Encoded> evalEnc = eval == null ? null : Batch.encode(tokenizer, eval, cfg.maxLength());
    int[] lengths = trainEnc.stream().mapToInt(Batch.Encoded::length).toArray();
    LengthBucketSampler sampler = new LengthBucketSampler(lengths, cfg.batchSize(), cfg.bucketBatches(), cfg.seed());
    int microPerEpoch = sampler.numBatches();
    int stepsPerEpoch = (microPerEpoch + cfg.gradientAccumulation() - 1) / cfg.gradientAccumulation();
    long totalSteps = (long) stepsPerEpoch * cfg.epochs();
    LinearWarmupSchedule schedule = LinearWarmupSchedule.withWarmupFraction(cfg.lr(), cfg.warmupFraction(), totalSteps);
    long unfreezeEvery =
        cfg.unfreezeEveryEpochs() > 0 ? Math.max(1, Math.round(cfg.unfreezeEveryEpochs() * stepsPerEpoch)) : 0;
    LayerSchedule layers = new LayerSchedule(numLayers, cfg.layerDecay(), cfg.freeze(), unfreezeEvery);
    AdamW opt = new AdamW(params, new AdamW.Hyper(AdamW.DEFAULT_BETA1, AdamW.DEFAULT_BETA2, AdamW.DEFAULT_EPS,
        cfg.weightDecay()));

    TrainerState state = new TrainerState(0, 0, 0, cfg.seed(), cfg.batchSize(), Double.NaN, 0, 0, List.of());
    if (resumeFrom != null) {
      state = TrainerState.load(resumeFrom.resolve(TrainerState.FILE));
      if (state.seed() != cfg.seed() || state.batchSize() != cfg.batchSize()) {
        throw new IllegalArgumentException(
            resumeFrom + " was trained with seed " + state.seed() + " and batch size " + state.batchSize()
                + "; resuming needs the same (got " + cfg.seed() + ", " + cfg.batchSize() + ")");
      }
      OptimizerState.load(opt, resumeFrom.resolve(OptimizerState.FILE));
      say("resuming from %s at epoch %d, batch %d, step %d%n", resumeFrom, state.epoch() + 1,
          state.batchInEpoch(), state.globalStep());
    }
    say(
        "training %d examples (%s eval), %d epochs x %d steps, batch %d x %d, lr %.3g, warm-up %d steps, "
            + "%d parameters%n",
        train.size(), eval == null ? "no" : Integer.toString(eval.size()), cfg.epochs(), stepsPerEpoch,
        cfg.batchSize(), cfg.gradientAccumulation(), cfg.lr(), schedule.warmupSteps(), params.numParameters());

    float[][] best = null;
    Metrics bestMetrics = null;
    List<TrainerState.EpochLog> history = new ArrayList<>(state.history());
    double trainSeconds = 0;
    long trainExamples = 0;
    boolean stoppedEarly = false;
    int epoch = state.epoch();
    int batchInEpoch = state.batchInEpoch();
    long step = state.globalStep();
    double bestMetric = state.bestMetric();
    int bestEpoch = state.bestEpoch();
    int bad = state.evalsWithoutImprovement();
    Path bestDir = outDir.resolve(CHECKPOINT_BEST);
    Path lastDir = outDir.resolve(CHECKPOINT_LAST);
    Files.createDirectories(outDir);

    for (; epoch < cfg.epochs() && epoch < stopAfterEpochs && !stoppedEarly; epoch++, batchInEpoch = 0) {
      List<List<Integer>> batches = sampler.epoch(epoch);
      long epochStart = System.nanoTime();
      long epochExamples = 0;
      double lossSum = 0;
      int lossCount = 0;
      ProgressBar bar = new ProgressBar(log, interactive, NON_INTERACTIVE_PERIOD_S,
          String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, cfg.epochs()), trainEnc.size());
      long doneInEpoch = 0;
      for (int b = 0; b < batchInEpoch; b++) {
        doneInEpoch += batches.get(b).size();
      }
      while (batchInEpoch < batches.size()) {
        int micro = Math.min(cfg.gradientAccumulation(), batches.size() - batchInEpoch);
        layers.apply(params, step);
        params.zeroGrad();
        for (int k = 0; k < micro; k++) {
          List<Integer> idx = batches.get(batchInEpoch + k);
          List<Batch.Encoded> items = new ArrayList<>(idx.size());
          for (int i : idx) {
            items.add(trainEnc.get(i));
          }
          Batch batch = Batch.pad(items, padId);
          float loss = model.forwardBackward(batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds(),
              batch.labels(), null, true, dropoutSeed(cfg.seed(), step, k));
          if (!Float.isFinite(loss)) {
            throw new IllegalStateException(
                "training diverged: loss " + loss + " at epoch " + (epoch + 1) + " step " + step
                    + " (try a lower --lr)");
          }
          lossSum += loss;
          lossCount++;
          epochExamples += idx.size();
          doneInEpoch += idx.size();
        }
        opt.step(schedule.lr(step), layers::lrScale, 1.0 / micro, cfg.maxGradNorm());
        step++;
        batchInEpoch += micro;
        bar.update(doneInEpoch, lossSum / lossCount);
      }
      bar.finish();
      double secs = (System.nanoTime() - epochStart) / 1e9;
      trainSeconds += secs;
      trainExamples += epochExamples;
      double acc = Double.NaN;
      double f1 = Double.NaN;
      boolean improved = false;
      if (evalEnc != null) {
        Metrics m = Evaluator.evaluateEncoded(model, evalEnc, padId, cfg.evalBatchSize());
        acc = m.accuracy();
        f1 = m.macroF1();
        double value = m.get(cfg.metric());
        improved = Double.isNaN(bestMetric) || value > bestMetric;
        if (improved) {
          bestMetric = value;
          bestEpoch = epoch + 1;
          bestMetrics = m;
          bad = 0;
          best = snapshot(params);
        } else {
          bad++;
        }
        stoppedEarly = cfg.earlyStoppingPatience() > 0 && bad >= cfg.earlyStoppingPatience();
      }
      history.add(new TrainerState.EpochLog(epoch + 1, lossSum / Math.max(1, lossCount), acc, f1, secs,
          epochExamples / Math.max(secs, 1e-9)));
      say("epoch %d/%d: loss %.4f, %s%.1f s, %.1f examples/s%s%n", epoch + 1, cfg.epochs(),
          lossSum / Math.max(1, lossCount),
          evalEnc == null ? "" : String.format(Locale.ROOT, "eval accuracy %.4f macro-F1 %.4f, ", acc, f1), secs,
          epochExamples / Math.max(secs, 1e-9), improved ? " (best)" : "");
      TrainerState now = new TrainerState(epoch + 1, 0, step, cfg.seed(), cfg.batchSize(), bestMetric, bestEpoch,
          bad, List.copyOf(history));
      state = now;
      if (cfg.saveCheckpoints()) {
        final AdamW o = opt;
        ModelDirectory.save(params, model.config(), tokenizerSource, lastDir, false, dir -> {
          OptimizerState.save(o, dir.resolve(OptimizerState.FILE));
          now.save(dir.resolve(TrainerState.FILE));
        });
        if (improved) {
          ModelDirectory.copyModel(lastDir, bestDir, false, OptimizerState.FILE);
        }
      }
      if (stoppedEarly) {
        say("early stopping: no improvement of %s for %d evaluations%n", cfg.metric(), bad);
      }
    }
    if (best == null && bestEpoch > 0 && evalEnc != null && Files.isDirectory(bestDir)) {
      // A resumed run whose best epoch came before the resume: the best weights are on disk only.
      best = readWeights(params, bestDir.resolve(ModelDirectory.WEIGHTS));
      restore(params, best);
      best = null;
      bestMetrics = Evaluator.evaluateEncoded(model, evalEnc, padId, cfg.evalBatchSize());
      say("keeping epoch %d from %s (best %s %.4f)%n", bestEpoch, bestDir, cfg.metric(),
          bestMetric);
    }
    if (best != null) {
      restore(params, best);
      say("keeping epoch %d (best %s %.4f)%n", bestEpoch, cfg.metric(), bestMetric);
    }
    ModelDirectory.save(params, model.config(), tokenizerSource, outDir, true, null);
    return new Result(state, bestMetrics, trainSeconds, trainExamples, stoppedEarly);
  }

  private void say(String format, Object... args) {
    log.printf(Locale.ROOT, format, args);
    log.flush();
  }

  /** A dropout seed for micro-batch {@code micro} of optimizer step {@code step}: distinct and reproducible. */
  static long dropoutSeed(long seed, long step, int micro) {
    return new SplittableRandom(seed).split().nextLong() ^ new SplittableRandom(step * 1_000_003L + micro).nextLong();
  }

  /** Copies of every parameter's values, registry order. */
  static float[][] snapshot(ParameterRegistry params) {
    List<float[]> out = new ArrayList<>();
    for (Parameter p : params) {
      FloatBuffer b = FloatViews.of(p.value(), p.name());
      float[] a = new float[b.limit()];
      b.get(0, a, 0, a.length);
      out.add(a);
    }
    return out.toArray(new float[0][]);
  }

  /** The values of every parameter (registry order) as stored under its HF name in a safetensors file. */
  static float[][] readWeights(ParameterRegistry params, Path file) throws IOException {
    List<float[]> out = new ArrayList<>();
    try (TensorSource src = Safetensors.open(file)) {
      for (Parameter p : params) {
        float[] a = src.get(p.name()).toFloatArray();
        if (a.length != p.value().length()) {
          throw new IllegalArgumentException(
              file + ": " + p.name() + " has " + a.length + " elements, the model's has " + p.value().length());
        }
        out.add(a);
      }
    }
    return out.toArray(new float[0][]);
  }

  /** Writes a {@link #snapshot} back into the parameters. */
  static void restore(ParameterRegistry params, float[][] snap) {
    int i = 0;
    for (Parameter p : params) {
      FloatViews.of(p.value(), p.name()).put(0, snap[i++]);
    }
  }
}
