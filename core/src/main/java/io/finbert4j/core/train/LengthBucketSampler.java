package io.finbert4j.core.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded batch order for one epoch with length bucketing, like HF's {@code LengthGroupedSampler}: shuffle all
 * indices, cut them into "mega-batches" of {@code bucketBatches · batchSize}, sort each mega-batch by length
 * (longest first) and cut it into batches, then shuffle the order of all batches. Batches hold examples of similar
 * length (little padding) while the content of each batch stays random.
 *
 * <p>The order depends only on (seed, epoch), so resuming at (epoch, batch index) reproduces it exactly: that pair
 * is the sampler's whole RNG state.
 */
public final class LengthBucketSampler {
  /** HF's LengthGroupedSampler uses mega-batches of 50 batches. */
  public static final int DEFAULT_BUCKET_BATCHES = 50;

  private final int[] lengths;
  private final int batchSize;
  private final int bucketBatches;
  private final long seed;

  /** @param bucketBatches mega-batch size in batches; 1 disables bucketing (plain shuffled batches) */
  public LengthBucketSampler(int[] lengths, int batchSize, int bucketBatches, long seed) {
    if (batchSize < 1 || bucketBatches < 1) {
      throw new IllegalArgumentException("batch size and bucket size must be >= 1, got " + batchSize + ", "
          + bucketBatches);
    }
    this.lengths = lengths.clone();
    this.batchSize = batchSize;
    this.bucketBatches = bucketBatches;
    this.seed = seed;
  }

  /** Number of batches per epoch. */
  public int numBatches() {
    return (lengths.length + batchSize - 1) / batchSize;
  }

  /** The batches of epoch {@code epoch} (0-based), each a list of example indices. */
  public List<List<Integer>> epoch(int epoch) {
    Random rnd = new Random(seed * 1_000_003L + epoch);
    List<Integer> idx = new ArrayList<>(lengths.length);
    for (int i = 0; i < lengths.length; i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, rnd);
    int mega = batchSize * bucketBatches;
    List<List<Integer>> batches = new ArrayList<>();
    for (int s = 0; s < idx.size(); s += mega) {
      List<Integer> chunk = new ArrayList<>(idx.subList(s, Math.min(idx.size(), s + mega)));
      if (bucketBatches > 1) {
        chunk.sort(Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
      }
      for (int b = 0; b < chunk.size(); b += batchSize) {
        batches.add(new ArrayList<>(chunk.subList(b, Math.min(chunk.size(), b + batchSize))));
      }
    }
    Collections.shuffle(batches, rnd);
    return batches;
  }
}
