package io.finbert4j.core.train;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Uniform weight averaging of fine-tuned models (a "model soup", Wortsman et al. 2022): every parameter of the
 * result is the mean of that parameter over the models. Meant for runs fine-tuned from the SAME starting weights
 * (same encoder, same initial head) with different seeds, which stay close enough in weight space for their average
 * to be a better model than a typical single run; averaging unrelated models gives nonsense. One model comes out, so
 * inference costs what a single run's model costs.
 */
public final class ModelAveraging {
  private ModelAveraging() {}

  /**
   * Loads the saved models in {@code dirs} (HF directories, e.g. written by {@link Trainer}) and returns the first one
   * with every parameter replaced by the mean over all of them.
   *
   * @throws IllegalArgumentException if the models differ in labels, parameter names or shapes
   */
  public static BertForSequenceClassification uniform(List<Path> dirs) throws IOException {
    if (dirs.isEmpty()) {
      throw new IllegalArgumentException("no models to average");
    }
    BertForSequenceClassification avg = BertForSequenceClassification.load(dirs.get(0));
    for (int i = 1; i < dirs.size(); i++) {
      BertForSequenceClassification other = BertForSequenceClassification.load(dirs.get(i));
      if (!other.config().labels().equals(avg.config().labels())) {
        throw new IllegalArgumentException("cannot average " + dirs.get(i) + ": labels " + other.config().labels()
            + " differ from " + avg.config().labels() + " of " + dirs.get(0));
      }
      if (!other.parameters().names().equals(avg.parameters().names())) {
        throw new IllegalArgumentException(
            "cannot average " + dirs.get(i) + ": its parameters differ from those of " + dirs.get(0));
      }
      for (Parameter p : avg.parameters()) {
        Parameter q = other.parameters().get(p.name());
        if (!Arrays.equals(p.shape(), q.shape())) {
          throw new IllegalArgumentException("cannot average " + p.name() + ": shape " + Arrays.toString(q.shape())
              + " in " + dirs.get(i) + " vs " + Arrays.toString(p.shape()) + " in " + dirs.get(0));
        }
        p.value().addi(q.value());
      }
    }
    if (dirs.size() > 1) {
      for (Parameter p : avg.parameters()) {
        p.value().divi(dirs.size());
      }
    }
    return avg;
  }
}
