package io.finbert4j.trading;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.train.LabeledExample;
import io.finbert4j.core.train.Trainer;
import io.finbert4j.core.train.TrainerConfig;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.trading.score.TextScorer;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Test models: a keyword oracle (exact, instant) and the tiny-finbert fixture fine-tuned on the synthetic templates. */
final class Fixtures {
  static final Path TINY = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  private static Path tuned;

  private Fixtures() {}

  /** Knows the templates: P = 0.9 for the template's class. Counts the texts it scores. */
  static final class Oracle implements TextScorer {
    final AtomicInteger calls = new AtomicInteger();
    final String fp;

    Oracle(String fp) {
      this.fp = fp;
    }

    Oracle() {
      this("oracle-v1");
    }

    @Override
    public List<String> labels() {
      return List.of("positive", "negative", "neutral");
    }

    @Override
    public String fingerprint() {
      return fp;
    }

    @Override
    public int maxLength() {
      return 64;
    }

    @Override
    public List<Map<String, Double>> score(List<String> texts) {
      calls.addAndGet(texts.size());
      List<Map<String, Double>> out = new ArrayList<>();
      for (String t : texts) {
        String cls = classOf(t);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("positive", cls.equals("positive") ? 0.9 : 0.05);
        m.put("negative", cls.equals("negative") ? 0.92 : 0.04);
        m.put("neutral", 1 - m.get("positive") - m.get("negative"));
        out.add(m);
      }
      return out;
    }

    static String classOf(String text) {
      for (String[] c : SyntheticMarket.COMPANIES) {
        for (String[] pair : List.of(new String[] {"positive"}, new String[] {"negative"}, new String[] {"neutral"})) {
          List<String> pool = pair[0].equals("positive") ? SyntheticMarket.POSITIVE
              : pair[0].equals("negative") ? SyntheticMarket.NEGATIVE : SyntheticMarket.NEUTRAL;
          for (String t : pool) {
            if (t.replace("{name}", c[1]).equals(text)) {
              return pair[0];
            }
          }
        }
      }
      return "neutral";
    }
  }

  /** tiny-finbert fine-tuned on the synthetic templates (once per JVM), in a temp directory. */
  static synchronized Path tunedTiny() throws IOException {
    if (tuned != null) {
      return tuned;
    }
    Path out = Files.createTempDirectory("tiny-tuned");
    List<String> labels = List.of("positive", "negative", "neutral");
    List<LabeledExample> train = new ArrayList<>();
    long line = 1;
    for (String[] s : SyntheticMarket.labelledSentences()) {
      train.add(new LabeledExample(s[0], null, labels.indexOf(s[1]), line++));
    }
    BertForSequenceClassification model = BertForSequenceClassification.load(TINY);
    BertTokenizer tok = BertTokenizer.fromDirectory(TINY);
    TrainerConfig cfg = TrainerConfig.defaults().withEpochs(12).withLr(3e-3).withBatchSize(16).withMaxLength(32)
        .withSeed(1).withSaveCheckpoints(false);
    new Trainer(model, tok, TINY, cfg, new PrintWriter(new StringWriter()), false).train(train, null, out, null);
    tuned = out;
    return out;
  }
}
