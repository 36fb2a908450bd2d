package io.finbert4j.reliability.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.weights.PyTorchCheckpoint;
import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code pytorch_model.bin}, both formats end to end: the zip archive (central directory, ZIP64, local headers,
 * stored and deflated records, byteorder) with its pickle and storages, and the legacy format (five pickles and
 * raw storages). Documented failures: {@link io.finbert4j.weights.TensorFormatException} and its subclass
 * {@link io.finbert4j.weights.UnsafePickleException} (IOExceptions). Seeds: a small valid zip checkpoint, a small
 * valid legacy one, a zip whose record claims 4 GB, a deflate bomb.
 */
class PyTorchCheckpointFuzzTest {
  @FuzzTest(maxDuration = "2m")
  void read(byte[] data) {
    Path f = ParserContract.tempFile("pytorch_model.bin", data);
    try {
      ParserContract.check("PyTorchCheckpoint.read",
          () -> Tensors.readAll("PyTorchCheckpoint.read", PyTorchCheckpoint.read(f)), IOException.class);
    } finally {
      ParserContract.delete(f.getParent());
    }
  }
}
