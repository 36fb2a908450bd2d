package io.finbert4j.cli;

import io.finbert4j.weights.BertCheckpoint;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code finbert convert}: turns a Hugging Face BERT model directory whose weights are {@code model.safetensors},
 * sharded safetensors or {@code pytorch_model.bin} (zip or legacy format) into a directory with one
 * {@code model.safetensors} under canonical HF names, checked against {@code config.json}, and verified by reading
 * it back (every tensor bit-identical to its source).
 */
@Command(
    name = "convert",
    mixinStandardHelpOptions = true,
    description = {
      "Convert a BERT model directory's weights to model.safetensors with",
      "canonical Hugging Face names.",
      "Reads model.safetensors, model.safetensors.index.json (shards) or",
      "pytorch_model.bin (zip or legacy PyTorch format, through a restricted",
      "unpickler that executes nothing), checks every tensor against config.json,",
      "writes model.safetensors atomically (temporary file + rename), copies",
      "config.json and the tokenizer files when --out is another directory, reads",
      "the result back to verify it bit for bit, and prints a summary.",
      "Without --out the conversion is in place: model.safetensors is replaced",
      "only once the new file is complete."
    },
    footer = {
      "",
      "Examples:",
      "  # in place: adds model.safetensors next to pytorch_model.bin",
      "  finbert convert --model models/finbert",
      "  finbert convert --model ~/hf/ProsusAI-finbert --out models/finbert",
      "  finbert convert --model models/finbert \\",
      "    --weights models/finbert/pytorch_model.bin"
    })
public final class ConvertCommand implements Callable<Integer> {
  /** Files of a model directory copied next to the converted weights. */
  static final List<String> SIDE_FILES =
      List.of("config.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json");

  @Mixin VerboseOption verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory with config.json and model.safetensors, shards, or pytorch_model.bin.")
  Path model;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory (created if missing). Default: the model directory itself.")
  Path out;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "Read this weights file instead of the first of model.safetensors, "
          + "model.safetensors.index.json, pytorch_model.bin found in --model.")
  Path weights;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(model)) {
      throw new CliErrors.UserException("model directory " + model + " does not exist");
    }
    Path outDir = out == null ? model : out;
    Files.createDirectories(outDir);
    Path target = outDir.resolve(BertCheckpoint.SAFETENSORS);
    long start = System.nanoTime();
    PrintWriter pw = spec.commandLine().getOut();

    long params = 0;
    long bytes = 0;
    Path source;
    List<String> names;
    try (BertCheckpoint ckpt =
        weights == null ? BertCheckpoint.open(model) : BertCheckpoint.open(model, weights)) {
      source = ckpt.weightsFile();
      TensorSource src = ckpt.tensors();
      names = src.names();
      List<Tensor> tensors = new ArrayList<>(names.size());
      for (String n : names) {
        Tensor t = src.get(n);
        tensors.add(t);
        params += t.numel();
        bytes += t.byteSize();
      }
      // Every source tensor is read while writing the temporary file; the rename over model.safetensors happens
      // only after that file is complete and forced to disk. A source that is itself model.safetensors stays
      // mapped (the old inode lives on until unmapped), so an in-place conversion never reads a half-written file.
      Safetensors.write(target, tensors, Map.of("format", "pt"));

      if (!sameDirectory(model, outDir)) {
        for (String f : SIDE_FILES) {
          Path from = model.resolve(f);
          if (Files.isRegularFile(from)) {
            // never a half-copied config.json or vocab.txt under the final name (found by KillAtRandomTest)
            io.finbert4j.core.train.ModelDirectory.copyAtomically(from, outDir.resolve(f));
          }
        }
      }
      verify(target, tensors);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pw.printf(
        "converted %s -> %s: %d tensors, %,d parameters, %,d bytes in %.2f s (verified bit-identical)%n",
        source, target, names.size(), params, bytes, seconds);
    pw.flush();
    return 0;
  }

  /** Reads the written file back: same names, and each tensor's dtype, shape and bytes equal to the source. */
  static void verify(Path written, List<Tensor> expected) throws IOException {
    try (TensorSource back = Safetensors.open(written)) {
      if (back.names().size() != expected.size()) {
        throw new IOException(
            "verification failed: " + written + " holds " + back.names().size() + " tensors, expected "
                + expected.size());
      }
      for (Tensor t : expected) {
        if (!back.contains(t.name()) || !back.get(t.name()).contentEquals(t)) {
          throw new IOException("verification failed: tensor " + t.name() + " in " + written + " differs from its source");
        }
      }
    }
  }

  private static boolean sameDirectory(Path a, Path b) throws IOException {
    return Files.exists(b) && Files.isSameFile(a, b);
  }
}
