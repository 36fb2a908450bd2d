package io.finbert4j.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The tiny-finbert fixture (reference outputs from an independent float64 implementation). */
final class Fixture {
  static final Path DIR = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");

  record Item(int[] ids, int[] types, int label, double[] logits, double[] probabilities) {}

  record Reference(List<Item> items, double loss) {}

  static Path dir() {
    assertTrue(Files.isDirectory(DIR), "fixture missing: " + DIR.toAbsolutePath());
    return DIR;
  }

  static Reference reference() throws IOException {
    JsonNode root = new ObjectMapper().readTree(dir().resolve("reference.json").toFile());
    List<Item> items = new ArrayList<>();
    for (JsonNode it : root.get("items")) {
      items.add(new Item(ints(it.get("input_ids")), ints(it.get("token_type_ids")), it.get("label").asInt(),
          doubles(it.get("logits")), doubles(it.get("probabilities"))));
    }
    return new Reference(items, root.get("loss").asDouble());
  }

  /** All items as one batch padded to the longest with [PAD]=0, mask 0 on padding. */
  static int[][][] paddedBatch(List<Item> items) {
    int t = items.stream().mapToInt(i -> i.ids().length).max().orElseThrow();
    int b = items.size();
    int[][] ids = new int[b][t];
    int[][] mask = new int[b][t];
    int[][] types = new int[b][t];
    for (int i = 0; i < b; i++) {
      Item it = items.get(i);
      for (int j = 0; j < it.ids().length; j++) {
        ids[i][j] = it.ids()[j];
        mask[i][j] = 1;
        types[i][j] = it.types()[j];
      }
    }
    return new int[][][] {ids, mask, types};
  }

  /** Two geometries for concurrency tests: all items as one padded batch, then each item alone. */
  static List<int[][][]> batchThenSingles(List<Item> items) {
    List<int[][][]> inputs = new ArrayList<>();
    inputs.add(paddedBatch(items));
    for (Item it : items) {
      inputs.add(paddedBatch(List.of(it)));
    }
    return inputs;
  }

  private static int[] ints(JsonNode a) {
    int[] r = new int[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asInt();
    }
    return r;
  }

  private static double[] doubles(JsonNode a) {
    double[] r = new double[a.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = a.get(i).asDouble();
    }
    return r;
  }

  /**
   * Four threads share one fresh {@code precision} view of the fixture model (racing its lazy kernels: int8
   * quantization, bf16 packing), 10 calls each over a batch and single rows interleaved: every call must give
   * exactly the logits a lone caller on another view of that precision gets.
   */
  static void assertSharedViewMatchesLoneViews(io.finbert4j.core.quant.Precision precision) throws Exception {
    io.finbert4j.core.BertForSequenceClassification model = io.finbert4j.core.BertForSequenceClassification.load(dir());
    List<int[][][]> inputs = batchThenSingles(reference().items());
    io.finbert4j.core.BertForSequenceClassification lone = model.withPrecision(precision);
    List<float[][]> expected = new java.util.ArrayList<>();
    for (int[][][] in : inputs) {
      expected.add(lone.predictLogits(in[0], in[1], in[2]));
    }
    io.finbert4j.core.BertForSequenceClassification shared = model.withPrecision(precision); // kernels not built yet
    int threads = 4;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int th = 0; th < threads; th++) {
        int offset = th;
        futures.add(pool.submit(() -> {
          start.await();
          for (int c = 0; c < 10; c++) {
            int k = (c + offset) % inputs.size();
            int[][][] in = inputs.get(k);
            float[][] got = shared.predictLogits(in[0], in[1], in[2]);
            for (int r = 0; r < got.length; r++) {
              org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(k)[r], got[r], 0f,
                  precision + " input " + k + " row " + r + " under concurrency");
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (java.util.concurrent.Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
