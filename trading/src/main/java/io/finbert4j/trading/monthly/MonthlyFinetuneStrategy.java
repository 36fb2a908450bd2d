package io.finbert4j.trading.monthly;

import io.finbert4j.core.SentimentResult;
import io.finbert4j.trading.Decision;
import io.finbert4j.trading.PastView;
import io.finbert4j.trading.ScoredItem;
import io.finbert4j.trading.SentimentLabels;
import io.finbert4j.trading.StrategyContext;
import io.finbert4j.trading.StrategySettings;
import io.finbert4j.trading.data.Bar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The published monthly-finetune algorithm ({@code --strategy monthly-finetune}). Each month, for the selected
 * asset: build a training set from its news of the previous 30 days (label of item i = the asset's return from the
 * price at the first fill opportunity at or after item i's availability to that at or after item i+1's; the last
 * item has no label, items with an empty window are dropped; only prices known at the decision are used), classes
 * by the platform's rule (sort by return; the largest ⌊0.75·#positive⌋ are positive, the most negative
 * ⌊0.75·#negative⌋ negative, the rest neutral), the most recent 100; fewer than 10 samples: flat for the month.
 * Fine-tune a fresh copy of the base model ({@link FineTuner}), with the class names mapped onto the model's id2label
 * by name; score the same 30 days of news (or the last {@code score-window} days) and size as published. Each
 * month's training set goes to {@code training/YYYY-MM.csv} in the report.
 */
public final class MonthlyFinetuneStrategy extends MonthlyStrategy {
  public static final String NAME = "monthly-finetune";
  /** The published order the examples assumed: index 0 negative, 1 neutral, 2 positive. */
  static final List<String> PUBLISHED_ORDER = List.of("negative", "neutral", "positive");

  private final Map<String, Double> secondsByMonth = new LinkedHashMap<>();
  private final Map<String, Integer> samplesByMonth = new LinkedHashMap<>();

  public MonthlyFinetuneStrategy(StrategySettings s, StrategyContext ctx) {
    this(MonthlySettings.fromOptions(ctx.options(), 30), ctx);
  }

  public MonthlyFinetuneStrategy(MonthlySettings m, StrategyContext ctx) {
    super(m, ctx);
    if (ctx.modelDir() == null) {
      throw new IllegalArgumentException("monthly-finetune needs the base model's directory (--model DIR)");
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  /** One labelled training example. */
  public record Sample(ScoredItem item, String text, double ret, Instant windowStart, Instant windowEnd,
      String label) {}

  /**
   * The training set of one month: items of [cutoff − days, cutoff) about {@code symbol}, returns over the windows
   * between consecutive items' first fill opportunities, only from bars known to {@code view}, then the classes.
   */
  public List<Sample> trainingSet(PastView view, String symbol, Instant cutoff) {
    List<ScoredItem> items = window(view, symbol, cutoff, m.newsDays());
    List<Bar> bars = view.bars(symbol);
    List<Sample> raw = new ArrayList<>();
    for (int i = 0; i + 1 < items.size(); i++) {
      int a = firstFillAtOrAfter(view, bars, items.get(i).item().available());
      int b = firstFillAtOrAfter(view, bars, items.get(i + 1).item().available());
      if (a < 0 || b < 0 || a == b) {
        continue; // no known price yet, or an empty window
      }
      Instant ws = view.fillOf(bars.get(a).date());
      Instant we = view.fillOf(bars.get(b).date());
      if (!we.isBefore(cutoff)) {
        throw new IllegalStateException("label window of " + items.get(i).item().id() + " ends at " + we
            + ", not before the decision at " + cutoff);
      }
      double r = price(view, bars.get(b)) / price(view, bars.get(a)) - 1;
      raw.add(new Sample(items.get(i), items.get(i).item().text(ctx.text()), r, ws, we, "neutral"));
    }
    return classes(raw, m.maxSamples());
  }

  /** The platform's class rule, then the most recent {@code keep} (oldest first). */
  static List<Sample> classes(List<Sample> raw, int keep) {
    List<Sample> byRet = new ArrayList<>(raw);
    byRet.sort(Comparator.comparingDouble(Sample::ret));
    long pos = raw.stream().filter(s -> s.ret() > 0).count();
    long neg = raw.stream().filter(s -> s.ret() < 0).count();
    int nPos = (int) Math.floor(0.75 * pos);
    int nNeg = (int) Math.floor(0.75 * neg);
    Map<Sample, String> label = new java.util.IdentityHashMap<>();
    for (int i = 0; i < byRet.size(); i++) {
      String l = i < nNeg ? "negative" : i >= byRet.size() - nPos ? "positive" : "neutral";
      label.put(byRet.get(i), l);
    }
    List<Sample> out = new ArrayList<>();
    for (Sample s : raw) {
      out.add(new Sample(s.item(), s.text(), s.ret(), s.windowStart(), s.windowEnd(), label.get(s)));
    }
    return out.subList(Math.max(0, out.size() - keep), out.size());
  }

  private static int firstFillAtOrAfter(PastView view, List<Bar> bars, Instant t) {
    for (int i = 0; i < bars.size(); i++) {
      if (!view.fillOf(bars.get(i).date()).isBefore(t)) {
        return i;
      }
    }
    return -1;
  }

  private static double price(PastView view, Bar b) {
    return view.fill() == io.finbert4j.trading.Fill.OPEN ? b.open() : b.close();
  }

  @Override
  protected Decision decideFor(PastView view, Candidate c, Instant cutoff) {
    String month = YearMonth.from(view.date()).toString();
    List<Sample> set = trainingSet(view, c.symbol(), cutoff);
    List<String> modelLabels = view.labels().labels();
    int[] ids = new int[set.size()];
    for (int i = 0; i < set.size(); i++) {
      ids[i] = classId(set.get(i).label(), modelLabels);
    }
    writeTrainingFile(month, c.symbol(), cutoff, set, ids, modelLabels);
    samplesByMonth.put(month, set.size());
    if (set.size() < m.minSamples()) {
      String why = String.format(Locale.ROOT, "selected %s; %d training samples < %d: flat this month", c.symbol(),
          set.size(), m.minSamples());
      return new Decision(Map.of(), true, Map.of(c.symbol(), why), List.of(new Decision.Signal(c.symbol(), null, 0, why)));
    }
    FineTuner.Tuned tuned;
    try {
      tuned = FineTuner.fineTune(ctx.modelDir(), set.stream().map(Sample::text).toList(), ids, m,
          ctx.seed() + view.date().toEpochDay());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    secondsByMonth.put(month, tuned.seconds());
    if (ctx.log() != null) {
      ctx.log().printf(Locale.ROOT, "%s: fine-tuned on %d samples of %s in %.1f s%n", month, set.size(), c.symbol(),
          tuned.seconds());
      ctx.log().flush();
    }
    List<ScoredItem> toScore = window(view, c.symbol(), cutoff, m.scoreDays());
    List<SentimentResult> rs = tuned.finbert().analyze(toScore.stream().map(s -> s.item().text(ctx.text())).toList());
    List<ScoredItem> rescored = new ArrayList<>();
    for (int i = 0; i < toScore.size(); i++) {
      rescored.add(new ScoredItem(toScore.get(i).item(), rs.get(i).probabilities()));
    }
    SentimentLabels labels = labels(modelLabels);
    return position(c, rescored, cutoff, labels, String.format(Locale.ROOT, " (fine-tuned on %d samples, %.1f s)",
        set.size(), tuned.seconds()));
  }

  /** The model's class id of a class name: by name in id2label, or (published mode) by the published index. */
  int classId(String cls, List<String> modelLabels) {
    if (m.publishedLabelOrder()) {
      return PUBLISHED_ORDER.indexOf(cls);
    }
    for (int i = 0; i < modelLabels.size(); i++) {
      if (modelLabels.get(i).equalsIgnoreCase(cls)) {
        return i;
      }
    }
    throw new IllegalArgumentException("the model's labels " + modelLabels + " have no '" + cls + "'");
  }

  private void writeTrainingFile(String month, String symbol, Instant cutoff, List<Sample> set, int[] ids,
      List<String> modelLabels) {
    if (ctx.reportDir() == null) {
      return;
    }
    try {
      Path dir = Files.createDirectories(ctx.reportDir().resolve("training"));
      try (Writer w = Files.newBufferedWriter(dir.resolve(month + ".csv"), StandardCharsets.UTF_8);
          CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader("id", "symbol", "available", "text",
              "return", "window_start", "window_end", "label", "model_label_id", "model_label", "decision").build())) {
        for (int i = 0; i < set.size(); i++) {
          Sample s = set.get(i);
          p.printRecord(s.item().item().id(), symbol, s.item().item().available(), s.text(),
              String.format(Locale.ROOT, "%.6f", s.ret()), s.windowStart(), s.windowEnd(), s.label(), ids[i],
              modelLabels.get(ids[i]), cutoff);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Map<String, Object> report() {
    Map<String, Object> r = new LinkedHashMap<>();
    double total = secondsByMonth.values().stream().mapToDouble(Double::doubleValue).sum();
    r.put("finetune_months", secondsByMonth.size());
    r.put("finetune_seconds_total", Math.round(total * 10) / 10.0);
    r.put("finetune_seconds_per_month", secondsByMonth.isEmpty() ? 0 : Math.round(total / secondsByMonth.size() * 10) / 10.0);
    Map<String, Double> per = new LinkedHashMap<>();
    secondsByMonth.forEach((k, v) -> per.put(k, Math.round(v * 10) / 10.0));
    r.put("finetune_seconds_by_month", per.toString());
    r.put("training_samples_by_month", samplesByMonth.toString());
    return r;
  }
}
