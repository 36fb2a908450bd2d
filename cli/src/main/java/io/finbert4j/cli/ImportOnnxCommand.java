package io.finbert4j.cli;

import io.finbert4j.cli.onnx.MiniLmResources;
import io.finbert4j.cli.onnx.OnnxBertImporter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code finbert import-onnx}: converts a BERT exported to ONNX into an HF model directory. */
@Command(
    name = "import-onnx",
    mixinStandardHelpOptions = true,
    description = {
      "Import a BERT encoder exported to ONNX (PyTorch/HF export) as an HF model directory:",
      "config.json (inferred from the graph), model.safetensors (HF names and layouts), tokenizer.json,",
      "vocab.txt, tokenizer_config.json and special_tokens_map.json. The result is checked by loading it."
    },
    footer = {
      "",
      "Examples:",
      "  finbert import-onnx --minilm --out models/minilm",
      "  finbert import-onnx --onnx model.onnx --tokenizer tokenizer.json --out models/my-bert"
    })
public final class ImportOnnxCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @ArgGroup(exclusive = false)
    OnnxFiles files;

    @Option(
        names = "--minilm",
        required = true,
        description = "Import the all-MiniLM-L6-v2 model bundled with finbert4j (no paths needed).")
    boolean minilm;
  }

  static final class OnnxFiles {
    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The .onnx model file.")
    Path onnx;

    @Option(
        names = "--tokenizer",
        required = true,
        paramLabel = "FILE",
        description = "The model's HF tokenizer.json (WordPiece).")
    Path tokenizer;
  }

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory (created).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new CliErrors.UserException("--out " + out + " exists and is not a directory");
    }
    Path onnx;
    OnnxBertImporter.ImportReport r;
    if (source.minilm) {
      // extracted beside OUT and published with the model in one step (OUT/onnx/ holds the ONNX files afterwards)
      r = MiniLmResources.importInto(out);
      onnx = out.resolve("onnx").resolve(MiniLmResources.ONNX_RESOURCE);
    } else {
      onnx = source.files.onnx;
      Path tokenizer = source.files.tokenizer;
      if (!Files.isRegularFile(onnx)) {
        throw new CliErrors.UserException("ONNX model not found: " + onnx);
      }
      if (!Files.isRegularFile(tokenizer)) {
        throw new CliErrors.UserException("tokenizer.json not found: " + tokenizer);
      }
      r = OnnxBertImporter.importModel(onnx, tokenizer, out);
    }
    PrintWriter pw = spec.commandLine().getOut();
    OnnxBertImporter.InferredConfig c = r.config();
    pw.printf(
        "imported %s -> %s%n  %d layers, hidden %d, %d heads, intermediate %d, vocab %d, max positions %d, "
            + "type vocab %d, layer_norm_eps %s, %s, pooler %s, %d tensors%n",
        onnx, out, c.numHiddenLayers(), c.hiddenSize(), c.numAttentionHeads(), c.intermediateSize(), c.vocabSize(),
        c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(), c.hiddenAct(), c.pooler() ? "yes" : "no",
        r.tensorNames().size());
    for (String note : r.notes()) {
      pw.println("  note: " + note);
    }
    pw.flush();
    return 0;
  }
}
