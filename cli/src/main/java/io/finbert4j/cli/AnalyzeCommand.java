package io.finbert4j.cli;

import io.finbert4j.core.FinBert;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.core.document.DocumentOptions;
import io.finbert4j.core.document.DocumentPart;
import io.finbert4j.core.document.DocumentResult;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code finbert analyze}: a readable table of label, probabilities and score per text. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Classify texts and print a table for people: label, the probability of every label, the",
      "sentiment score P(positive) - P(negative) and the token count (a '*' marks truncated texts).",
      "With no TEXT arguments, reads one text per line from standard input.",
      "With --document, each text is split into sentences (and windows of long sentences) and the",
      "parts are shown with their aggregated result; nothing is truncated."
    },
    footer = {
      "",
      "Examples:",
      "  finbert analyze --model models/finbert \"AAPL stock price spikes after record-breaking sales figures.\"",
      "  finbert analyze --model models/finbert < headlines.txt",
      "  finbert analyze --model models/finbert --document \"$(cat report.txt)\""
    })
public final class AnalyzeCommand implements Callable<Integer> {
  /** Characters of each text shown in the table. */
  static final int TEXT_WIDTH = 70;

  @Mixin VerboseOption verbose;

  @Mixin PredictCommand.ModelOptions modelOptions;

  @Option(names = "--document", description = "Treat each text as a document: classify sentences and aggregate.")
  boolean document;

  @Option(
      names = "--aggregation",
      paramLabel = "MODE",
      defaultValue = "TOKEN_WEIGHTED_MEAN",
      description = "With --document: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  DocumentOptions.Aggregation aggregation;

  @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to classify (default: lines of stdin).")
  List<String> texts = new ArrayList<>();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Standard input; tests replace it. */
  InputStream in = System.in;

  @Override
  public Integer call() throws Exception {
    List<String> inputs = texts.isEmpty() ? readLines() : texts;
    if (inputs.isEmpty()) {
      throw new CliErrors.UserException("no input: give TEXT arguments or lines on standard input");
    }
    FinBert finbert = modelOptions.load();
    PrintWriter out = spec.commandLine().getOut();
    List<String> labels = finbert.labels();
    header(out, labels);
    if (!document) {
      List<SentimentResult> rs = finbert.analyze(inputs);
      for (int i = 0; i < rs.size(); i++) {
        row(out, rs.get(i).label(), rs.get(i).probabilities(), rs.get(i).sentimentScore(),
            rs.get(i).tokens() + (rs.get(i).truncated() ? "*" : ""), inputs.get(i));
      }
      if (rs.stream().anyMatch(SentimentResult::truncated)) {
        out.println("* truncated to " + finbert.maxLength()
            + " tokens; use --document to classify long texts whole");
      }
    } else {
      DocumentOptions opts = DocumentOptions.DEFAULT.withAggregation(aggregation);
      for (String doc : inputs) {
        DocumentResult d = finbert.analyzeDocument(doc, opts);
        for (DocumentPart p : d.parts()) {
          String where = p.window() ? " [" + (p.windowIndex() + 1) + "/" + p.windowCount() + "]" : "";
          row(out, p.result().label(), p.result().probabilities(), p.result().sentimentScore(),
              Integer.toString(p.result().tokens()), "  " + p.text() + where);
        }
        row(out, d.label(), d.probabilities(), d.sentimentScore(), Integer.toString(d.tokens()),
            "= document (" + d.parts().size() + " parts, "
                + aggregation.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")");
      }
    }
    out.flush();
    return 0;
  }

  private List<String> readLines() throws java.io.IOException {
    List<String> lines = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lines.add(line);
    }
    return lines;
  }

  private static int width(List<String> labels) {
    int w = 8;
    for (String l : labels) {
      w = Math.max(w, l.length());
    }
    return w;
  }

  static void header(PrintWriter out, List<String> labels) {
    int w = width(labels);
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "label"));
    for (String l : labels) {
      sb.append("  ").append(String.format(Locale.ROOT, "%" + w + "s", l));
    }
    sb.append(String.format(Locale.ROOT, "  %6s  %6s  %s", "score", "tokens", "text"));
    out.println(sb);
  }

  static void row(PrintWriter out, String label, Map<String, Double> probs, double score,
      String tokens, String text) {
    int w = width(List.copyOf(probs.keySet()));
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", label));
    for (double p : probs.values()) {
      sb.append("  ").append(String.format(Locale.ROOT, "%" + w + ".4f", p));
    }
    String s = Double.isNaN(score) ? "n/a" : String.format(Locale.ROOT, "%+.3f", score);
    String t = text.replace('\n', ' ').replace('\r', ' ');
    if (t.length() > TEXT_WIDTH) {
      t = t.substring(0, TEXT_WIDTH - 3) + "...";
    }
    sb.append(String.format(Locale.ROOT, "  %6s  %6s  %s", s, tokens, t));
    out.println(sb);
  }
}
