package io.finbert4j.weights;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.finbert4j.reliability.fuzz.ParserContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The restricted unpickler on its own (in the weights package: the class is package-private), with PyTorch's
 * reducers and a persistent loader that hands out a small float storage: every opcode, memo, mark and stack rule.
 * Documented failures: {@link TensorFormatException}, {@link UnsafePickleException} for globals off the allow-list.
 */
class UnpicklerFuzzTest {
  private static final int STORAGE_FLOATS = 16;

  @FuzzTest(maxDuration = "2m")
  void load(byte[] data) {
    ByteBuffer storage = ByteBuffer.allocate(STORAGE_FLOATS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    Unpickler.PersistentLoader loader = pid -> new PyTorchCheckpoint.Storage("0", DType.F32, STORAGE_FLOATS, storage, false);
    ParserContract.check("Unpickler.load", () -> {
      Object o = new Unpickler(ByteBuffer.wrap(data), "fuzz input", loader, PyTorchCheckpoint::reduce).load();
      Unpickler.describe(o);
    }, IOException.class);
  }
}
