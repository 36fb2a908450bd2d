package io.finbert4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.finbert4j.core.Backend;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.FinBertOptions;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.core.quant.Precision;
import io.finbert4j.weights.hub.ModelResolver;
import io.finbert4j.weights.hub.ProgressListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code finbert predict}: JSON lines in, one JSON line of label, probabilities, logits and sentiment
 * score out per input, in order, streamed in chunks.
 */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classify texts read from standard input, one JSON line out per input line, in input order.",
      "Input: JSON lines {\"text\": \"...\", \"text_pair\": \"...\"} (text_pair optional), or plain lines",
      "with --plain. Output: {\"label\", \"probabilities\", \"logits\", \"sentiment_score\", \"truncated\",",
      "\"tokens\"}. Texts longer than the max length are truncated as Hugging Face does and flagged",
      "\"truncated\": true. sentiment_score = P(positive) - P(negative), null without such labels."
    },
    footer = {
      "",
      "Examples:",
      "  echo '{\"text\": \"Operating profit rose 20 %.\"}' | finbert predict            (ProsusAI/finbert)",
      "  echo '{\"text\": \"Operating profit rose 20 %.\"}' | finbert predict --model models/finbert",
      "  finbert predict --model models/finbert --plain --batch-size 64 < headlines.txt > predictions.jsonl"
    })
public final class PredictCommand implements Callable<Integer> {

  /** Lines read per chunk = batch size × this; bounds memory while keeping batches full. */
  static final int BATCHES_PER_CHUNK = 8;

  /** Model options shared by {@code predict} and {@code analyze}. */
  public static final class ModelOptions {
    @Option(
        names = "--model",
        paramLabel = "DIR|ID",
        description = {
          "Model directory (config.json, model.safetensors or pytorch_model.bin, vocab.txt) or a Hugging",
          "Face hub id (default: $FINBERT_MODEL, else " + ModelResolver.DEFAULT_MODEL_ID + "; downloaded",
          "once into the HF cache, reused offline)."
        })
    String model;

    @Option(
        names = "--revision",
        paramLabel = "REV",
        description = "Branch, tag or commit of a hub model (default: " + ModelResolver.DEFAULT_REVISION + ").")
    String revision;

    @Option(
        names = "--batch-size",
        paramLabel = "N",
        defaultValue = "32",
        description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
        names = "--max-length",
        paramLabel = "T",
        defaultValue = "0",
        description = "Max tokens per text incl. [CLS]/[SEP] (default: min(model_max_length, max_position_embeddings)).")
    int maxLength;

    @Option(
        names = "--backend",
        paramLabel = "cpu|cuda|auto",
        description = "ND4J backend (default: -Dfinbert.backend, else $FINBERT_BACKEND, else auto).")
    String backend;

    @Option(
        names = "--precision",
        paramLabel = "float32|bf16|int8",
        defaultValue = "float32",
        description = {
          "Precision of the encoder's matrix products (default: ${DEFAULT-VALUE}). int8: per-channel int8",
          "weights and per-token int8 activations for the dense projections (oneDNN; fastest with VNNI/AMX).",
          "bf16: bf16 products, float32 accumulation (CPUs with AVX512-BF16/AMX). Else float32 with a notice."
        })
    String precision;

    /** The environment used for model resolution (HF_HUB_CACHE, HF_HOME, HF_HUB_OFFLINE, ...); tests replace it. */
    java.util.Map<String, String> env = System.getenv();

    /** Selects the backend, then loads the model; errors name the problem. */
    FinBert load() throws IOException {
      if (batchSize < 1) {
        throw new CliErrors.UserException("--batch-size must be >= 1, got " + batchSize);
      }
      if (maxLength < 0) {
        throw new CliErrors.UserException("--max-length must be >= 0, got " + maxLength);
      }
      Precision p = parsePrecision(precision);
      selectBackend(backend);
      Path dir = ModelResolver.resolve(model, revision, env, ProgressListener.stderrIfTerminal());
      resolvedDir = dir;
      FinBert finbert = FinBert.load(dir, new FinBertOptions(batchSize, maxLength, p));
      String notice = finbert.precisionNotice();
      if (notice != null) {
        PrintWriter err = mixee != null ? mixee.commandLine().getErr() : new PrintWriter(System.err, true);
        err.println("note: " + notice);
        err.flush();
      }
      return finbert;
    }

    /** The model directory {@link #load} resolved (null before it ran); the backtest fingerprints it. */
    Path resolvedDir;

    /** The command using these options (its stderr gets the precision fallback notice). */
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec mixee;
  }

  /** Parses {@code --precision}; the error names the option and the accepted values. */
  static Precision parsePrecision(String name) {
    try {
      return Precision.parse(name == null ? "float32" : name);
    } catch (IllegalArgumentException e) {
      throw new CliErrors.UserException("--precision: " + e.getMessage());
    }
  }

  /** Applies {@code --backend} (or the property / environment default); errors say what to change. */
  static Backend selectBackend(String name) {
    Backend requested;
    try {
      requested = name == null ? Backend.requested() : Backend.parse(name);
    } catch (IllegalArgumentException e) {
      throw new CliErrors.UserException("--backend: " + e.getMessage());
    }
    return Backend.select(requested);
  }

  @Mixin VerboseOption verbose;

  @Mixin ModelOptions modelOptions;

  @Option(names = "--plain", description = "Each input line is a text (no JSON).")
  boolean plain;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Standard input; tests replace it. */
  InputStream in = System.in;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    FinBert finbert = modelOptions.load();
    PrintWriter out = spec.commandLine().getOut();
    int chunk = modelOptions.batchSize * BATCHES_PER_CHUNK;
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    List<String[]> inputs = new ArrayList<>(chunk);
    long lineNo = 0;
    long written = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNo++;
      inputs.add(parse(line, lineNo));
      if (inputs.size() == chunk) {
        written += write(finbert.analyzePairs(inputs), out);
        inputs.clear();
      }
    }
    if (!inputs.isEmpty()) {
      written += write(finbert.analyzePairs(inputs), out);
    }
    if (written == 0) {
      throw new CliErrors.UserException("no input: standard input was empty");
    }
    return 0;
  }

  /** One input line → {text} or {text, pair}. */
  String[] parse(String line, long lineNo) {
    if (plain) {
      return new String[] {line};
    }
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new CliErrors.UserException("line " + lineNo + ": malformed JSON ("
          + e.getOriginalMessage() + "); use --plain for plain-text lines");
    }
    if (node == null || !node.isObject()) {
      throw new CliErrors.UserException(
          "line " + lineNo + ": expected a JSON object like {\"text\": \"...\"}; use --plain for plain-text lines");
    }
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual()) {
      throw new CliErrors.UserException("line " + lineNo + ": \"text\" must be a string");
    }
    JsonNode pair = node.get("text_pair");
    if (pair == null || pair.isNull()) {
      return new String[] {text.asText()};
    }
    if (!pair.isTextual()) {
      throw new CliErrors.UserException("line " + lineNo + ": \"text_pair\" must be a string or null");
    }
    return new String[] {text.asText(), pair.asText()};
  }

  private static int write(List<SentimentResult> results, PrintWriter out) throws IOException {
    for (SentimentResult r : results) {
      out.println(JSON.writeValueAsString(toJson(r)));
    }
    out.flush();
    return results.size();
  }

  /** The output object of one result (field order fixed). */
  static ObjectNode toJson(SentimentResult r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("label", r.label());
    ObjectNode probs = o.putObject("probabilities");
    for (Map.Entry<String, Double> e : r.probabilities().entrySet()) {
      probs.put(e.getKey(), e.getValue());
    }
    ArrayNode logits = o.putArray("logits");
    for (float l : r.logits()) {
      logits.add(l);
    }
    if (r.sentiment().isPresent()) {
      o.put("sentiment_score", r.sentimentScore());
    } else {
      o.putNull("sentiment_score");
    }
    o.put("truncated", r.truncated());
    o.put("tokens", r.tokens());
    return o;
  }
}
