package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.weights.Safetensors;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code model.safetensors}: the 8-byte header length, the JSON header (dtypes, shapes, data offsets, metadata) and
 * the tensor spans. Documented failure: {@link io.finbert4j.weights.TensorFormatException} (an IOException).
 * Seeds: a valid two-tensor file, a header length of 2^63 - 1, a shape whose product overflows a long.
 */
class SafetensorsFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void open(byte[] data) {
    Path f = ParserContract.tempFile("model.safetensors", data);
    try {
      ParserContract.check("Safetensors.open", () -> Tensors.readAll("Safetensors.open", Safetensors.open(f)),
          IOException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
