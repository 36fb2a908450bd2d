// A FinBERT-size (BERT-base, 3 labels) model with random weights for spark-vs-predict.sh; run with the java source
// launcher on the cli module's class path: java -cp CP RandomFinBert.java OUT_DIR TOKENIZER_DIR
import io.finbert4j.cli.onnx.RandomBert;
import java.nio.file.Path;

public class RandomFinBert {
  public static void main(String[] args) throws Exception {
    RandomBert.write(Path.of(args[0]), RandomBert.finbertBase(), 42, Path.of(args[1]));
  }
}
