package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.weights.Safetensors;
import io.finbert4j.weights.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code model.safetensors.index.json} next to two valid shards: any JSON, shard names with {@code ../}, absolute
 * paths, NULs, names of missing shards, tensors mapped to the wrong shard. Documented failure: IOException
 * ({@link io.finbert4j.weights.TensorFormatException}, NoSuchFileException for a listed shard that is absent).
 */
class SafetensorsIndexFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void openIndex(byte[] data) throws IOException {
    Path f = ParserContract.tempFile("model.safetensors.index.json", data);
    Path dir = f.getParent();
    try {
      Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"),
          List.of(Tensor.ofFloats("a", new long[] {2}, new float[] {1, 2})), Map.of());
      Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"),
          List.of(Tensor.ofFloats("b", new long[] {1, 2}, new float[] {3, 4})), Map.of());
      ParserContract.check("Safetensors.openIndex",
          () -> Tensors.readAll("Safetensors.openIndex", Safetensors.openIndex(f)), IOException.class);
    } finally {
      ParserContract.delete(dir);
    }
  }
}
