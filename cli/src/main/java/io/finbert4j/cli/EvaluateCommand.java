package io.finbert4j.cli;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.train.Datasets;
import io.finbert4j.core.train.Evaluator;
import io.finbert4j.core.train.LabeledExample;
import io.finbert4j.core.train.Metrics;
import io.finbert4j.tokenizer.BertTokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code finbert evaluate}: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a sequence classifier on a labelled CSV file (columns label,text[,text_pair]).",
    footer = {
      "",
      "Examples:",
      "  finbert evaluate --model finbert-phrasebank/ --data test.csv",
      "  finbert evaluate --model finbert-phrasebank/ --data test.csv --json > metrics.json"
    })
public final class EvaluateCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (with a classifier).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.csv", description = "Labelled CSV with a header.")
  Path data;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Option(names = "--max-length", defaultValue = "512", description = "Truncate to this many tokens (default ${DEFAULT-VALUE}).")
  int maxLength;

  @Option(names = "--batch-size", defaultValue = "64", description = "Examples per batch (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() throws Exception {
    BertForSequenceClassification m = FinetuneCommand.loadClassifier(model);
    BertTokenizer tok = BertTokenizer.fromDirectory(model);
    List<LabeledExample> ex = Datasets.readCsv(data, m.config().labels());
    long t0 = System.nanoTime();
    Metrics metrics = Evaluator.evaluate(m, tok, ex, Math.min(maxLength, tok.modelMaxLength()), batchSize);
    double secs = (System.nanoTime() - t0) / 1e9;
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      var node = metrics.toJson();
      node.put("seconds", secs);
      node.put("examples_per_second", ex.size() / secs);
      o.println(node.toString());
    } else {
      o.print(metrics.toTable());
      o.printf(Locale.ROOT, "%n%d examples in %.1f s (%.1f examples/s)%n", ex.size(), secs, ex.size() / secs);
    }
    o.flush();
    return 0;
  }
}
