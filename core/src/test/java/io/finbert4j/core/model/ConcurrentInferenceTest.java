package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.finbert4j.core.BertForSequenceClassification;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * predictLogits is documented thread-safe (per-call activations, per-thread kernel scratch): many threads
 * calling it at once on one model, with batches of different shapes interleaved, must get exactly the
 * logits a lone caller gets.
 */
class ConcurrentInferenceTest {
  private static final int THREADS = 4;
  private static final int CALLS_PER_THREAD = 25;

  @Test
  void concurrentCallsGiveTheSingleThreadedLogits() throws Exception {
    BertForSequenceClassification model = BertForSequenceClassification.load(Fixture.dir());
    Fixture.Reference ref = Fixture.reference();
    // Two different geometries: the whole padded batch and each item alone.
    List<int[][][]> inputs = Fixture.batchThenSingles(ref.items());
    List<float[][]> expected = new ArrayList<>();
    for (int[][][] in : inputs) {
      expected.add(model.predictLogits(in[0], in[1], in[2]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int th = 0; th < THREADS; th++) {
        int offset = th;
        futures.add(pool.submit(() -> {
          for (int c = 0; c < CALLS_PER_THREAD; c++) {
            int k = (c + offset) % inputs.size();
            int[][][] in = inputs.get(k);
            float[][] got = model.predictLogits(in[0], in[1], in[2]);
            for (int r = 0; r < got.length; r++) {
              assertArrayEquals(expected.get(k)[r], got[r], 0f, "input " + k + " row " + r + " under concurrency");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(); // rethrows an assertion failure from a worker
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
