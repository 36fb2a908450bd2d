package io.finbert4j.weights;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random corruption of the fixture files (byte flips in the headers and pickles, truncation): every
 * corrupted file must either read cleanly or fail with a {@link TensorFormatException} (an IOException), never with
 * another exception type, an OutOfMemoryError, a JVM crash or a hang.
 */
class CorruptionFuzzTest {
  private static final int TRIALS = 300;
  private static final long SEED = 20261124L;

  @TempDir Path tmp;

  interface Reader {
    TensorSource open(Path p) throws IOException;
  }

  private void fuzz(String fixture, Reader reader, int hotBytes) throws IOException {
    byte[] orig = Files.readAllBytes(Fixtures.tinyFinbert().resolve(fixture));
    Random rnd = new Random(SEED ^ fixture.hashCode());
    Path p = tmp.resolve(fixture);
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int t = 0; t < TRIALS; t++) {
        byte[] b = orig.clone();
        int flips = 1 + rnd.nextInt(4);
        for (int f = 0; f < flips; f++) {
          // mostly in the structured part (header / pickle / zip directory), sometimes anywhere
          int region = rnd.nextInt(3);
          int pos = region == 0 ? rnd.nextInt(Math.min(hotBytes, b.length))
              : region == 1 ? b.length - 1 - rnd.nextInt(Math.min(4096, b.length)) : rnd.nextInt(b.length);
          b[pos] = (byte) (rnd.nextInt(3) == 0 ? b[pos] ^ (1 << rnd.nextInt(8)) : rnd.nextInt(256));
        }
        int len = rnd.nextInt(5) == 0 ? rnd.nextInt(b.length) : b.length;
        Files.write(p, java.util.Arrays.copyOf(b, len));
        try (TensorSource s = reader.open(p)) {
          for (String n : s.names()) {
            s.get(n).toFloatArray();
          }
        } catch (IOException expected) {
          // a clear format error: fine
        } catch (RuntimeException | Error e) {
          fail("trial " + t + " of " + fixture + ": " + e, e);
        }
      }
    });
  }

  @Test
  void safetensors() throws IOException {
    fuzz("model.safetensors", Safetensors::open, 4600);
  }

  @Test
  void zipCheckpoint() throws IOException {
    fuzz("pytorch_model.bin", PyTorchCheckpoint::read, 4700);
  }

  @Test
  void legacyCheckpoint() throws IOException {
    fuzz("pytorch_model.legacy.bin", PyTorchCheckpoint::read, 5000);
  }
}
