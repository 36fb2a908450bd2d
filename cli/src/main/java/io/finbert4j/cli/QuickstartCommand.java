package io.finbert4j.cli;

import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.core.train.Datasets;
import io.finbert4j.core.train.LabeledExample;
import io.finbert4j.core.train.Trainer;
import io.finbert4j.core.train.TrainerConfig;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.trading.BacktestConfig;
import io.finbert4j.trading.BacktestRun;
import io.finbert4j.trading.LongShortStrategy;
import io.finbert4j.trading.StrategySettings;
import io.finbert4j.trading.data.BadRows;
import io.finbert4j.trading.data.NewsReader;
import io.finbert4j.trading.data.PriceReader;
import io.finbert4j.trading.data.TextField;
import io.finbert4j.trading.score.FinBertScorer;
import io.finbert4j.trading.score.ScoreCache;
import io.finbert4j.trading.synthetic.SyntheticMarket;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The offline first run: builds a small financial-sentiment model from the real pretrained all-MiniLM-L6-v2
 * encoder (shipped inside a Maven Central artifact) by fine-tuning it with our own backprop on hand-written
 * demo sentences kept in this repository, caches it, and analyzes example headlines. No network is needed.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Offline demo of the whole pipeline: import the bundled all-MiniLM-L6-v2 encoder, fine-tune a 3-label",
      "financial-sentiment head on 378 demo sentences, cache the model, analyze example headlines, then",
      "backtest a long-short news strategy with it on a small synthetic market (report.html).",
      "The demo model is NOT FinBERT; for FinBERT run `finbert analyze` (downloads ProsusAI/finbert) or",
      "pass --model DIR with a local copy."
    },
    footer = {
      "%nExamples:",
      "  finbert quickstart",
      "  finbert quickstart --retrain --epochs 5",
      "  finbert quickstart \"Quarterly revenue beat estimates and the company raised guidance.\"",
      "%nThe model is cached in $FINBERT_HOME/quickstart-model (default ~/.cache/finbert4j)."
    })
public final class QuickstartCommand implements Callable<Integer> {
  static final String DATA_RESOURCE = "io/finbert4j/cli/quickstart/financial-sentiment-demo.csv";
  static final String EVAL_RESOURCE = "io/finbert4j/cli/quickstart/financial-sentiment-demo-eval.csv";
  /** FinBERT's label order (ProsusAI/finbert id2label), so the demo model reads like FinBERT's output. */
  static final List<String> LABELS = List.of("positive", "negative", "neutral");
  static final int DEFAULT_EPOCHS = 6;
  static final double DEFAULT_LR = 1e-4;

  static final List<String> HEADLINES = List.of(
      "AAPL stock price spikes after record-breaking sales figures.",
      "The bank cut its dividend and warned of further loan losses.",
      "The annual general meeting will be held in Helsinki on 12 April.",
      "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn a year earlier.",
      "Shares slumped after the regulator opened an investigation into the accounts.");

  @Mixin VerboseOption verbose;

  @CommandLine.Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to analyze (default: examples).")
  List<String> texts = List.of();

  @Option(names = "--cache", paramLabel = "DIR", description = "Cache directory (default $FINBERT_HOME or ~/.cache/finbert4j).")
  Path cache;

  @Option(names = "--retrain", description = "Fine-tune again even if a cached demo model exists.")
  boolean retrain;

  @Option(names = "--epochs", defaultValue = "" + DEFAULT_EPOCHS, description = "Fine-tuning epochs (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-backtest", description = "Skip the closing backtest on the synthetic market.")
  boolean noBacktest;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path root = cache != null ? cache : defaultCache();
    Path modelDir = root.resolve("quickstart-model");
    err.println("finbert quickstart — offline demo. This demo model is NOT FinBERT: it is all-MiniLM-L6-v2");
    err.println("fine-tuned here on 378 hand-written demo sentences. For FinBERT use `finbert analyze`.");
    err.flush();
    if (retrain || !Files.isRegularFile(modelDir.resolve("model.safetensors"))) {
      train(root, modelDir, err);
    } else {
      err.println("using the cached demo model in " + modelDir + " (--retrain to build it again)");
    }
    FinBert finbert = FinBert.load(modelDir);
    List<String> inputs = texts.isEmpty() ? HEADLINES : texts;
    List<SentimentResult> rs = finbert.analyze(inputs);
    AnalyzeCommand.header(out, finbert.labels());
    for (int i = 0; i < rs.size(); i++) {
      SentimentResult r = rs.get(i);
      AnalyzeCommand.row(out, r.label(), r.probabilities(), r.sentimentScore(), Integer.toString(r.tokens()),
          inputs.get(i));
    }
    out.println();
    out.println("Demo model: " + modelDir + " (all-MiniLM-L6-v2 + demo head; not FinBERT).");
    out.flush();
    if (!noBacktest) {
      backtest(finbert, modelDir, root, out, err);
    }
    out.println("Next: ./finbert analyze --model " + modelDir + " \"your headline\"");
    out.flush();
    return 0;
  }

  /**
   * The product, not just the model: a long-short backtest with the demo model on the small SYNTHETIC market that
   * ships with the CLI (invented companies, template headlines, prices that follow the planted sentiment).
   */
  static void backtest(FinBert finbert, Path modelDir, Path root, PrintWriter out, PrintWriter err)
      throws IOException {
    Path market = Files.createDirectories(root.resolve("quickstart-market"));
    Path newsCsv = market.resolve("news.csv");
    Path pricesCsv = market.resolve("prices.csv");
    SyntheticMarket.Market m = SyntheticMarket.generate(SyntheticMarket.Spec.defaults());
    NewsReader.writeCsv(m.news(), newsCsv);
    PriceReader.writeCsv(m.prices(), pricesCsv);
    Path report = root.resolve("quickstart-backtest");
    out.println();
    out.println("Backtest: long-short on the demo model's sentiment, on a small SYNTHETIC market (invented companies,");
    out.println("template headlines, simulated prices; no real data): " + market);
    out.flush();
    BadRows bad = BadRows.fail();
    try (ScoreCache cache = ScoreCache.open(root.resolve("scores.sqlite"))) {
      BacktestRun.Outcome o = BacktestRun.run(new BacktestRun.Request(LongShortStrategy.NAME,
          StrategySettings.defaults(), BacktestConfig.defaults(), NewsReader.read(newsCsv, bad),
          PriceReader.read(pricesCsv, bad), FinBertScorer.of(finbert, modelDir), modelDir, cache,
          TextField.DESCRIPTION, report, java.util.Map.of(), 42, new java.util.LinkedHashMap<>(
              java.util.Map.of("data", "synthetic (finbert quickstart)"))), err);
      BacktestCommand.print(out, o, bad);
    }
    out.println("Same thing from the command line: ./finbert backtest --news " + newsCsv + " --prices " + pricesCsv
        + " --model " + modelDir + " --out " + report);
    out.flush();
  }

  private void train(Path root, Path modelDir, PrintWriter err) throws IOException {
    Path encoder = root.resolve("all-minilm-l6-v2");
    err.println("importing the bundled all-MiniLM-L6-v2 encoder into " + encoder);
    err.flush();
    MiniLmResources.importedModel(encoder);
    Path data = Files.createDirectories(root.resolve("quickstart-data"));
    Path trainCsv = extract(DATA_RESOURCE, data);
    Path evalCsv = extract(EVAL_RESOURCE, data);
    List<LabeledExample> train = Datasets.readCsv(trainCsv, LABELS);
    List<LabeledExample> eval = Datasets.readCsv(evalCsv, LABELS);
    BertForSequenceClassification model = BertForSequenceClassification.withNewHead(encoder, LABELS, seed);
    BertTokenizer tokenizer = BertTokenizer.fromDirectory(encoder);
    TrainerConfig cfg = TrainerConfig.defaults().withEpochs(epochs).withLr(DEFAULT_LR).withSeed(seed)
        .withSaveCheckpoints(false);
    err.println("fine-tuning on " + train.size() + " demo sentences (" + epochs + " epochs), evaluating on "
        + eval.size() + " held-out demo sentences");
    err.flush();
    Trainer.Result r = new Trainer(model, tokenizer, encoder, cfg, err, System.console() != null)
        .train(train, eval, modelDir, null);
    err.printf("trained in %.0f s (%.1f examples/s); held-out demo %s%n", r.trainSeconds(), r.examplesPerSecond(),
        r.evalMetrics() == null ? "n/a" : r.evalMetrics().toString());
    err.flush();
  }

  private static Path extract(String resource, Path dir) throws IOException {
    Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    try (InputStream in = QuickstartCommand.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("resource " + resource + " is missing from the finbert4j-cli jar");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  static Path defaultCache() {
    String home = System.getenv("FINBERT_HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "finbert4j");
  }
}
