package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class FinetuneCommandTest {
  @TempDir Path tmp;

  /** Invented sentences, not from any data set. */
  static final String TOY = "label,text\n"
      + "positive,Profit rose sharply and the dividend was raised.\n"
      + "positive,\"Sales grew by a record margin, beating estimates.\"\n"
      + "positive,Orders increased strongly across all regions.\n"
      + "negative,Operating loss widened and the outlook was cut.\n"
      + "negative,Shares plunged after the profit warning.\n"
      + "negative,Revenue fell and the firm announced layoffs.\n"
      + "neutral,The annual meeting will be held in Helsinki.\n"
      + "neutral,The company is headquartered in Espoo.\n"
      + "neutral,The board consists of five members.\n";

  @Test
  void trainsSavesAndTheResultEvaluates() throws Exception {
    Path data = tmp.resolve("toy.csv");
    Files.writeString(data, TOY);
    Path out = tmp.resolve("ft");
    TrainingFixtures.Run r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train",
        data.toString(), "--eval", data.toString(), "--out", out.toString(), "--epochs", "8", "--batch-size", "3",
        "--lr", "3e-3", "--layer-decay", "0.9", "--runs", "1", "--quiet");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("saved " + out), r.out());
    for (String f : new String[] {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json",
        "checkpoint-last/optimizer.safetensors", "checkpoint-last/trainer_state.json",
        "checkpoint-best/model.safetensors"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    JsonNode state = new ObjectMapper().readTree(out.resolve("checkpoint-last/trainer_state.json").toFile());
    assertEquals(8, state.get("epoch").asInt());
    assertEquals(8, state.get("history").size());
    TrainingFixtures.Run ev = TrainingFixtures.run("evaluate", "--model", out.toString(), "--data", data.toString(), "--json");
    assertEquals(0, ev.rc(), ev.err());
    double acc = new ObjectMapper().readTree(ev.out()).get("accuracy").asDouble();
    assertEquals(state.get("bestMetric").asDouble(), acc, 1e-12, "the saved model is the best epoch");
    assertTrue(acc > 0.5, "a tiny model fits 9 examples: accuracy " + acc);
  }

  /** --runs N: N seeds from the same weights, the output is the element-wise mean of the runs' weights. */
  @Test
  void severalRunsAreAveragedIntoTheOutput() throws Exception {
    Path data = tmp.resolve("toy.csv");
    Files.writeString(data, TOY);
    Path out = tmp.resolve("soup");
    TrainingFixtures.Run r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train",
        data.toString(), "--eval", data.toString(), "--out", out.toString(), "--epochs", "2", "--batch-size", "3",
        "--lr", "3e-3", "--runs", "2", "--keep-runs", "--no-checkpoints", "--quiet");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().contains("run 1/2: trained") && r.out().contains("run 2/2: trained"), r.out());
    assertTrue(r.out().contains("eval (average of 2 runs)"), r.out());
    BertForSequenceClassification a = BertForSequenceClassification.load(out.resolve("run-1"));
    BertForSequenceClassification b = BertForSequenceClassification.load(out.resolve("run-2"));
    BertForSequenceClassification avg = BertForSequenceClassification.load(out);
    double worst = 0;
    boolean differ = false;
    for (Parameter p : avg.parameters()) {
      INDArray va = a.parameters().get(p.name()).value();
      INDArray vb = b.parameters().get(p.name()).value();
      INDArray mean = va.add(vb).divi(2);
      worst = Math.max(worst, mean.sub(p.value()).amaxNumber().doubleValue());
      differ |= !va.equals(vb);
    }
    assertTrue(differ, "different seeds must give different runs");
    assertTrue(worst <= 1e-6, "output is not the mean of the runs: max |diff| " + worst);

    Path out2 = tmp.resolve("soup2");
    r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train", data.toString(),
        "--out", out2.toString(), "--epochs", "1", "--batch-size", "3", "--runs", "2", "--quiet");
    assertEquals(0, r.rc(), r.err());
    assertTrue(Files.isRegularFile(out2.resolve("model.safetensors")));
    assertTrue(!Files.exists(out2.resolve("run-1")) && !Files.exists(out2.resolve("run-2")),
        "run directories are deleted once averaged unless --keep-runs");
  }

  /**
   * {@code --precision bf16} trains (bf16 products where the CPU has them, else float32 with a one-line notice) and
   * the model it saves still fits the toy data as float32 training does; int8 is refused for training.
   */
  @Test
  void bf16TrainingTrainsAndInt8IsRefused() throws Exception {
    Path data = tmp.resolve("toy.csv");
    Files.writeString(data, TOY);
    Path out = tmp.resolve("ft-bf16");
    TrainingFixtures.Run r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train",
        data.toString(), "--eval", data.toString(), "--out", out.toString(), "--epochs", "8", "--batch-size", "3",
        "--lr", "3e-3", "--runs", "1", "--no-checkpoints", "--quiet", "--precision", "bf16");
    assertEquals(0, r.rc(), r.err());
    String why = io.finbert4j.core.quant.Precision.bf16Status();
    assertEquals(why != null, r.err().contains("bf16 training requested but unavailable"), r.err());
    TrainingFixtures.Run ev = TrainingFixtures.run("evaluate", "--model", out.toString(), "--data", data.toString(),
        "--json");
    assertEquals(0, ev.rc(), ev.err());
    double acc = new ObjectMapper().readTree(ev.out()).get("accuracy").asDouble();
    assertTrue(acc > 0.5, "a tiny model fits 9 examples in bf16 too: accuracy " + acc);
    r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train", data.toString(),
        "--out", tmp.resolve("o8").toString(), "--precision", "int8");
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("int8 is for inference"), r.err());
  }

  @Test
  void modelWithoutHeadPointsToInit() throws Exception {
    Path enc = tmp.resolve("enc");
    Files.createDirectories(enc);
    String cfg = Files.readString(TrainingFixtures.dir().resolve("config.json"))
        .replaceAll("(?s),\\s*\"id2label\".*", "\n}\n");
    Files.writeString(enc.resolve("config.json"), cfg);
    Path data = tmp.resolve("toy.csv");
    Files.writeString(data, TOY);
    TrainingFixtures.Run r = TrainingFixtures.run("finetune", "--model", enc.toString(), "--train", data.toString(), "--out",
        tmp.resolve("o").toString());
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("finbert init"), r.err());
  }

  @Test
  void badOptionsAreUserErrors() throws Exception {
    Path data = tmp.resolve("toy.csv");
    Files.writeString(data, TOY);
    TrainingFixtures.Run r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train",
        data.toString(), "--out", tmp.resolve("o").toString(), "--freeze", "bottom");
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("freeze"), r.err());
    Path empty = tmp.resolve("empty.csv");
    Files.writeString(empty, "");
    r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train", empty.toString(), "--out",
        tmp.resolve("o").toString());
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("empty"), r.err());
    r = TrainingFixtures.run("finetune", "--resume", tmp.resolve("ck").toString(), "--train", data.toString(), "--out",
        tmp.resolve("o").toString(), "--runs", "2");
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("--runs 1"), r.err());
    r = TrainingFixtures.run("finetune", "--model", TrainingFixtures.dir().toString(), "--train", data.toString(),
        "--out", tmp.resolve("o").toString(), "--runs", "0");
    assertEquals(1, r.rc());
    assertTrue(r.err().contains("--runs"), r.err());
  }
}
