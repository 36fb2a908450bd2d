package io.finbert4j.core.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run stands, saved as {@code trainer_state.json} in checkpoint directories. Every random choice of the
 * trainer is a function of (seed, epoch, step), so this position is the complete RNG state.
 *
 * @param epoch the epoch to continue in (0-based)
 * @param batchInEpoch the next micro-batch index within that epoch's batch order
 * @param globalStep optimizer steps taken so far
 * @param seed the run's seed
 * @param batchSize micro-batch size (the batch order depends on it)
 * @param bestMetric the best evaluation metric so far (NaN if none)
 * @param bestEpoch the epoch (1-based) of the best metric, 0 if none
 * @param evalsWithoutImprovement evaluations since the best one (early stopping)
 * @param history one entry per finished epoch
 */
public record TrainerState(
    int epoch,
    int batchInEpoch,
    long globalStep,
    long seed,
    int batchSize,
    double bestMetric,
    int bestEpoch,
    int evalsWithoutImprovement,
    List<EpochLog> history) {

  public static final String FILE = "trainer_state.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One finished epoch: mean training loss, evaluation metrics (NaN without eval data), seconds, examples/s. */
  public record EpochLog(int epoch, double trainLoss, double accuracy, double macroF1, double seconds,
      double examplesPerSecond) {}

  public void save(Path file) throws IOException {
    Files.writeString(file, JSON.writeValueAsString(this) + "\n", StandardCharsets.UTF_8);
  }

  public static TrainerState load(Path file) throws IOException {
    try {
      return JSON.readValue(file.toFile(), TrainerState.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(file + " is not a valid trainer state: " + e.getOriginalMessage(), e);
    }
  }
}
