package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import io.finbert4j.tokenizer.BertTokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end training on the tiny-finbert fixture: learning, saving, reloading, resuming. */
class TrainerTest {
  static final Path TINY = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static final int EPOCHS = 30;
  @TempDir Path tmp;

  static Path tiny() {
    assertTrue(Files.isRegularFile(TINY.resolve("config.json")), "fixture missing: " + TINY.toAbsolutePath());
    return TINY;
  }

  /** Invented sentences (not from any data set), labels in tiny-finbert's order positive, negative, neutral. */
  static List<LabeledExample> toyData() {
    String[][] rows = {
      {"0", "Profit rose sharply and the dividend was raised."},
      {"0", "Sales grew by a record margin this quarter."},
      {"0", "The company beat every estimate and shares jumped."},
      {"0", "Orders increased strongly across all regions."},
      {"1", "Operating loss widened and the outlook was cut."},
      {"1", "Shares plunged after the profit warning."},
      {"1", "Revenue fell and the firm announced layoffs."},
      {"1", "The bank reported heavy losses on bad loans."},
      {"2", "The annual meeting will be held in Helsinki."},
      {"2", "The company is headquartered in Espoo."},
      {"2", "The report covers the period from January to March."},
      {"2", "The board consists of five members."},
    };
    List<LabeledExample> out = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      out.add(new LabeledExample(rows[i][1], null, Integer.parseInt(rows[i][0]), i + 2));
    }
    return out;
  }

  static TrainerConfig config(int epochs) {
    // a big learning rate: the tiny random model must visibly fit 12 examples in a few epochs
    return TrainerConfig.defaults().withEpochs(epochs).withBatchSize(4).withLr(1e-2).withMaxLength(32);
  }

  static float[][] logits(BertForSequenceClassification m, BertTokenizer tok, List<LabeledExample> data) {
    Batch b = Batch.pad(Batch.encode(tok, data, 32), tok.padId());
    return m.forwardLogits(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), false, 0L);
  }

  static float[] flat(BertForSequenceClassification m) {
    List<Float> all = new ArrayList<>();
    int n = 0;
    for (Parameter p : m.parameters()) {
      n += (int) p.value().length();
    }
    float[] out = new float[n];
    int k = 0;
    for (Parameter p : m.parameters()) {
      float[] a = p.value().dup().data().asFloat();
      System.arraycopy(a, 0, out, k, a.length);
      k += a.length;
    }
    return out;
  }

  @Test
  void learnsSavesAReloadableModelAndKeepsTheBestEpoch() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(tiny());
    BertTokenizer tok = BertTokenizer.fromDirectory(tiny());
    List<LabeledExample> data = toyData();
    Metrics before = Evaluator.evaluate(model, tok, data, 32, 8);
    StringWriter log = new StringWriter();
    Path out = tmp.resolve("out");
    Trainer.Result r = new Trainer(model, tok, tiny(), config(EPOCHS), new PrintWriter(log), false)
        .train(data, data, out, null);
    assertNotNull(r.evalMetrics());
    assertTrue(r.evalMetrics().accuracy() >= 0.9 && r.evalMetrics().accuracy() > before.accuracy(),
        "training accuracy before " + before.accuracy() + " after " + r.evalMetrics().accuracy() + "\n" + log);
    List<TrainerState.EpochLog> h = r.state().history();
    assertEquals(EPOCHS, h.size());
    assertTrue(h.get(h.size() - 1).trainLoss() < 0.5 * h.get(0).trainLoss(), "loss must fall: " + h);
    // the saved directory is complete and reloads to the same function as the best in-memory model
    for (String f : List.of("config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT_LAST).resolve(OptimizerState.FILE)));
    assertTrue(Files.isRegularFile(out.resolve(Trainer.CHECKPOINT_LAST).resolve(TrainerState.FILE)));
    assertTrue(Files.readString(out.resolve("config.json")).contains("BertForSequenceClassification"));
    BertForSequenceClassification reloaded = BertForSequenceClassification.load(out);
    float[][] a = logits(model, tok, data);
    float[][] b = logits(reloaded, tok, data);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i], 1e-5f, "logits of example " + i + " after reload");
    }
    assertEquals(r.evalMetrics().accuracy(), Evaluator.evaluate(reloaded, tok, data, 32, 8).accuracy(), 0);
  }

  @Test
  void resumingFromCheckpointReproducesAnUninterruptedRun() throws Exception {
    BertTokenizer tok = BertTokenizer.fromDirectory(tiny());
    List<LabeledExample> data = toyData();
    TrainerConfig cfg = config(3);
    PrintWriter quiet = new PrintWriter(java.io.Writer.nullWriter());

    BertForSequenceClassification straight = BertForSequenceClassification.load(tiny());
    new Trainer(straight, tok, tiny(), cfg, quiet, false).train(data, null, tmp.resolve("a"), null);

    BertForSequenceClassification first = BertForSequenceClassification.load(tiny());
    Path b = tmp.resolve("b");
    new Trainer(first, tok, tiny(), cfg, quiet, false).stopAfterEpochs(1).train(data, null, b, null);
    Path ckpt = b.resolve(Trainer.CHECKPOINT_LAST);
    TrainerState st = TrainerState.load(ckpt.resolve(TrainerState.FILE));
    assertEquals(1, st.epoch());
    assertEquals(3, st.globalStep()); // 12 examples / batch 4
    BertForSequenceClassification resumed = BertForSequenceClassification.load(ckpt);
    new Trainer(resumed, tok, ckpt, cfg, quiet, false).train(data, null, b, ckpt);

    float[] x = flat(straight);
    float[] y = flat(resumed);
    double maxDiff = 0;
    for (int i = 0; i < x.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
    }
    assertTrue(maxDiff <= 1e-6, "resumed run differs from the uninterrupted one by " + maxDiff);
  }
}
