package io.finbert4j.reliability.fuzz;

import io.finbert4j.weights.Tensor;
import io.finbert4j.weights.TensorSource;

/** What every fuzz target does with a source that opened: read every tensor and check it against its bytes. */
final class Tensors {
  private Tensors() {}

  static void readAll(String parser, TensorSource src) {
    try (src) {
      for (String name : src.names()) {
        Tensor t = src.get(name);
        long numel = 1;
        for (long d : t.shape()) {
          if (d < 0) {
            ParserContract.violated(parser, name + " has a negative dimension " + d);
          }
          numel = Math.multiplyExact(numel, d);
        }
        if (numel != t.numel()) {
          ParserContract.violated(parser, name + ": numel " + t.numel() + " but the shape holds " + numel);
        }
        if (t.bytes().remaining() != t.byteSize()) {
          ParserContract.violated(parser, name + ": " + t.byteSize() + " bytes declared, " + t.bytes().remaining() + " held");
        }
        t.toFloatArray(); // converts every element: any span error would surface here
      }
      src.metadata();
    }
  }
}
