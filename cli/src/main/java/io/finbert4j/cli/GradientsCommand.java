package io.finbert4j.cli;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import io.finbert4j.core.train.Batch;
import io.finbert4j.core.train.Datasets;
import io.finbert4j.core.train.LabeledExample;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code finbert gradients}: d(loss)/d(parameter) of one batch, for checking the backward pass against another
 * implementation. All examples form ONE batch padded to the longest, eval mode (no dropout), loss = mean
 * cross-entropy.
 */
@Command(
    name = "gradients",
    mixinStandardHelpOptions = true,
    description = "Write d(loss)/d(param) of every parameter (HF names, F32) for one batch of labelled examples.",
    footer = {
      "",
      "Input: JSON lines {\"text\": ..., \"text_pair\": ... (optional), \"label\": name or id}.",
      "The last line printed is `loss <value>`.",
      "",
      "Example:",
      "  finbert gradients --model tiny-finbert/ --data batch.jsonl --out grads.safetensors"
    })
public final class GradientsCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (with a classifier).")
  Path model;

  @Option(names = "--data", required = true, paramLabel = "FILE.jsonl", description = "JSON lines with text, label.")
  Path data;

  @Option(names = "--out", required = true, paramLabel = "GRADS.safetensors", description = "Output file.")
  Path out;

  @Override
  public Integer call() throws Exception {
    BertForSequenceClassification m = FinetuneCommand.loadClassifier(model);
    BertTokenizer tok = BertTokenizer.fromDirectory(model);
    List<LabeledExample> ex = Datasets.readJsonl(data, m.config().labels());
    List<Batch.Encoded> enc = Batch.encode(tok, ex, tok.modelMaxLength());
    Batch b = Batch.pad(enc, tok.padId());
    for (Parameter p : m.parameters()) {
      p.setTrainable(true);
    }
    m.parameters().zeroGrad();
    float loss = m.forwardBackward(b.inputIds(), b.attentionMask(), b.tokenTypeIds(), b.labels(), null, false, 0L);
    List<Tensor> grads = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      float[] g = p.grad().castTo(DataType.FLOAT).dup('c').data().asFloat();
      grads.add(Tensor.ofFloats(p.name(), p.value().shape(), g));
    }
    Safetensors.write(out, grads, Map.of("format", "pt", "loss", Float.toString(loss)));
    PrintWriter o = spec.commandLine().getOut();
    o.printf("wrote %d gradient tensors for a batch of %d x %d to %s%n", grads.size(), b.size(),
        b.inputIds()[0].length, out);
    o.println("loss " + loss);
    o.flush();
    return 0;
  }
}
