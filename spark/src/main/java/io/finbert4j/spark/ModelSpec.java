package io.finbert4j.spark;

import io.finbert4j.core.FinBertOptions;
import io.finbert4j.core.quant.Precision;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a task needs to get its model: where it is and how to run it. This small record is all that travels to the
 * executors with a task (never the weights); each executor JVM loads the model from it once ({@link ExecutorModels}).
 *
 * @param model a directory, a Hadoop URI or a hub id ({@link ModelLocator})
 * @param revision hub revision, null for the default
 * @param batchSize texts per forward pass
 * @param maxLength token limit incl. special tokens, 0 = the model's default
 * @param precision FLOAT32 or INT8
 * @param numThreads threads per task, 0 = {@code spark.task.cpus} of the running task
 */
public record ModelSpec(String model, String revision, int batchSize, int maxLength, Precision precision,
    int numThreads) implements Serializable {

  public ModelSpec {
    Objects.requireNonNull(model, "model must not be null");
    Objects.requireNonNull(precision, "precision must not be null");
    if (numThreads < 0) {
      throw new IllegalArgumentException("numThreads must be >= 0 (0 = spark.task.cpus), got " + numThreads);
    }
  }

  /** The inference options ({@link FinBertOptions} validates them). */
  public FinBertOptions options() {
    return new FinBertOptions(batchSize, maxLength, precision);
  }
}
