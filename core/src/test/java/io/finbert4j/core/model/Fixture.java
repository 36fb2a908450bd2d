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
}
