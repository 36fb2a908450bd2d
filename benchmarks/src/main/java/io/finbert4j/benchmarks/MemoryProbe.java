package io.finbert4j.benchmarks;

import io.finbert4j.core.Backend;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.nn.Workspaces;
import io.finbert4j.core.train.AdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory and cold start of a FinBERT-size model (issue #6 §2), in a fresh JVM, from {@code /proc/self/status}:
 *
 * <ol>
 *   <li>resident memory after {@link BertForSequenceClassification#load} against the weight bytes (anonymous memory
 *       — our copies — and file-backed: the reclaimable mapping of model.safetensors, counted separately);
 *   <li>the first prediction after load (cold: JIT, workspaces, BLAS threads) against the best warm one, 1 × 16;
 *   <li>training: anonymous memory with gradients and AdamW state (weights + grads + m + v = 4× the weights), and the
 *       peak during fine-tuning steps at batch × tokens, whose excess is the activations kept for backward.
 * </ol>
 *
 * <pre>java -Xmx2g -cp benchmarks/target/benchmarks.jar io.finbert4j.benchmarks.MemoryProbe [modelDir] [batch] [tokens] [warmUpPasses]</pre>
 *
 * <p>{@code batch} 0 skips the training part. {@code warmUpPasses} (default 0: a cold model) runs {@link BertForSequenceClassification#warmUp} after loading, as
 * {@code FinBert.load} does with 3.
 *
 * <p>Without a directory it uses (and writes once) the random FinBERT-size model of {@link InferenceBenchmark}.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  static final int WARM_RUNS = 20;
  static final int TRAIN_STEPS = 3;

  /** A /proc/self/status field in bytes (the kernel reports kB). */
  static long status(String key) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (l.startsWith(key + ":")) {
        return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException(key + " not in /proc/self/status (Linux only)");
  }

  static double mb(long bytes) {
    return bytes / 1e6;
  }

  public static void main(String[] args) throws IOException {
    Backend.select(Backend.CPU);
    Path dir = args.length > 0 && !args[0].isEmpty() ? Path.of(args[0])
        : InferenceBenchmark.bertBase(Path.of(System.getProperty("java.io.tmpdir"), "finbert4j-bench-bert-base"));
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    System.gc();
    long anon0 = status("RssAnon");
    long file0 = status("RssFile");

    long t0 = System.nanoTime();
    BertForSequenceClassification model = BertForSequenceClassification.load(dir);
    double loadMs = (System.nanoTime() - t0) / 1e6;
    long u0 = System.nanoTime();
    model.warmUp(warmUp); // what FinBert.load does (3 passes); 0 = a cold model
    double warmUpMs = (System.nanoTime() - u0) / 1e6;
    long weightBytes = model.parameters().numParameters() * Float.BYTES;
    long anonLoad = status("RssAnon") - anon0;
    long fileLoad = status("RssFile") - file0;
    System.out.printf(Locale.ROOT, "model %s: %d parameters = %.1f MB float32; load %.0f ms; %d warm-up passes %.0f ms%n",
        dir, model.parameters().numParameters(), mb(weightBytes), loadMs, warmUp, warmUpMs);
    System.out.printf(Locale.ROOT,
        "after load: anonymous +%.1f MB = %.2fx the weights; file-backed +%.1f MB (mapped safetensors); "
            + "together %.2fx%n", mb(anonLoad), (double) anonLoad / weightBytes, mb(fileLoad),
        (double) (anonLoad + fileLoad) / weightBytes);

    int vocab = model.config().vocabSize();
    BenchInputs small = BenchInputs.random(1, 16, vocab, 1);
    long c0 = System.nanoTime();
    model.predictLogits(small.ids(), small.mask(), small.types());
    double coldMs = (System.nanoTime() - c0) / 1e6;
    double warmMs = Double.MAX_VALUE;
    for (int i = 0; i < WARM_RUNS; i++) {
      long w0 = System.nanoTime();
      model.predictLogits(small.ids(), small.mask(), small.types());
      warmMs = Math.min(warmMs, (System.nanoTime() - w0) / 1e6);
    }
    System.out.printf(Locale.ROOT, "first prediction 1x16 after load: %.1f ms; warm best of %d: %.1f ms; "
        + "cold / warm = %.2fx%n", coldMs, WARM_RUNS, warmMs, coldMs / warmMs);
    long anonInfer = status("RssAnon") - anon0;
    System.out.printf(Locale.ROOT, "after inference: anonymous +%.1f MB = %.2fx the weights%n", mb(anonInfer),
        (double) anonInfer / weightBytes);

    if (batch == 0) {
      return; // inference only
    }
    model.parameters().zeroGrad(); // allocates the gradients
    long anonGrads = status("RssAnon") - anon0;
    AdamW opt = new AdamW(model.parameters(), AdamW.Hyper.defaults());
    BenchInputs in = BenchInputs.random(batch, tokens, vocab, 2);
    int[] labels = new int[batch];
    for (int i = 0; i < batch; i++) {
      labels[i] = i % model.labels().size();
    }
    long anonFirst = 0;
    for (int s = 0; s < TRAIN_STEPS; s++) {
      model.parameters().zeroGrad();
      model.forwardBackward(in.ids(), in.mask(), in.types(), labels, null, true, s);
      opt.step(5e-5, p -> 1.0, 1.0, 1.0);
      if (s == 0) {
        anonFirst = status("RssAnon") - anon0;
      }
    }
    System.gc();
    long anonTrain = status("RssAnon") - anon0;
    long hwm = status("VmHWM");
    long wsTrain = Workspaces.sizeBytes(Workspaces.TRAINING);
    long wsLayer = Workspaces.sizeBytes(Workspaces.TRAINING_LAYER);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "with gradients: anonymous +%.1f MB = %.2fx the weights%n", mb(anonGrads),
        (double) anonGrads / weightBytes);
    System.out.printf(Locale.ROOT,
        "training %d x %d: anonymous +%.1f MB = %.2fx the weights after the first step, +%.1f MB = %.2fx after %d "
            + "steps (weights, gradients, AdamW m and v on the Java heap, activations); process peak (VmHWM) %.1f MB%n",
        batch, tokens, mb(anonFirst), (double) anonFirst / weightBytes, mb(anonTrain),
        (double) anonTrain / weightBytes, TRAIN_STEPS, mb(hwm));
    System.out.printf(Locale.ROOT,
        "activations: ND4J training workspace %.1f MB (forward caches kept for backward, +20%% headroom) + one "
            + "layer's backward scratch %.1f MB; Java heap used after GC %.1f MB (AdamW m and v: %.1f MB)%n",
        mb(wsTrain), mb(wsLayer), mb(rt.totalMemory() - rt.freeMemory()), mb(2 * weightBytes));
    long rest = anonTrain - wsTrain - wsLayer;
    System.out.printf(Locale.ROOT,
        "training memory less the activation workspaces: %.1f MB = %.2fx the weights (target <= 4.5x; weights + "
            + "gradients + m + v = 4x)%n", mb(rest), (double) rest / weightBytes);
  }
}
