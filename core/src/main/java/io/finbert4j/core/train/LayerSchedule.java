package io.finbert4j.core.train;

import io.finbert4j.core.Parameter;
import java.util.Locale;

/**
 * Which parameters train and at what relative learning rate, by {@link Parameter#layerIndex()} (−1 embeddings,
 * 0..L−1 encoder layers, L the pooler/classifier head). Combines the three techniques of the FinBERT paper
 * (Araci 2019, §3.3) beyond plain fine-tuning:
 *
 * <ul>
 *   <li>discriminative fine-tuning: layer l gets {@code lr · decay^(L − l)} (embeddings, l = −1, the lowest; the
 *       head the full lr); {@code decay = 1} disables it;
 *   <li>freezing: a fixed set of layers never trains ({@link Freeze});
 *   <li>gradual unfreezing: at first only the head trains; every {@code unfreezeEverySteps} optimizer steps one
 *       more layer from the top becomes trainable (layer L−1, then L−2, ..., then the embeddings). 0 disables it.
 * </ul>
 *
 * @param numLayers L, the number of encoder layers
 */
public record LayerSchedule(int numLayers, double layerDecay, Freeze freeze, long unfreezeEverySteps) {

  /**
   * Layers that never train. Parse from the CLI spelling with {@link #parse}: {@code none}, {@code embeddings},
   * {@code all} (the whole encoder: only pooler and classifier train), {@code last:N} (only the top N encoder layers
   * and the head train).
   */
  public record Freeze(Kind kind, int lastN) {
    public enum Kind { NONE, EMBEDDINGS, ALL, ALL_BUT_LAST }

    public static final Freeze NONE = new Freeze(Kind.NONE, 0);

    public static Freeze parse(String spec) {
      String s = spec.trim().toLowerCase(Locale.ROOT);
      switch (s) {
        case "none":
          return NONE;
        case "embeddings":
          return new Freeze(Kind.EMBEDDINGS, 0);
        case "all":
        case "head-only":
          return new Freeze(Kind.ALL, 0);
        default:
          if (s.startsWith("last:")) {
            try {
              int n = Integer.parseInt(s.substring("last:".length()));
              if (n >= 0) {
                return new Freeze(Kind.ALL_BUT_LAST, n);
              }
            } catch (NumberFormatException e) {
              // fall through to the error below
            }
          }
          throw new IllegalArgumentException(
              "unknown freeze option \"" + spec + "\": use none, embeddings, all (= head-only) or last:N");
      }
    }

    /** Whether this policy lets layer {@code layer} train in a model with {@code numLayers} encoder layers. */
    boolean allows(int layer, int numLayers) {
      if (layer >= numLayers) {
        return true; // the head always trains
      }
      return switch (kind) {
        case NONE -> true;
        case EMBEDDINGS -> layer >= 0;
        case ALL -> false;
        case ALL_BUT_LAST -> layer >= numLayers - lastN;
      };
    }

    @Override
    public String toString() {
      return switch (kind) {
        case NONE -> "none";
        case EMBEDDINGS -> "embeddings";
        case ALL -> "all";
        case ALL_BUT_LAST -> "last:" + lastN;
      };
    }
  }

  public LayerSchedule {
    if (!(layerDecay > 0 && layerDecay <= 1)) {
      throw new IllegalArgumentException("layer decay must be in (0, 1], got " + layerDecay);
    }
    if (unfreezeEverySteps < 0) {
      throw new IllegalArgumentException("unfreeze interval must be >= 0 steps, got " + unfreezeEverySteps);
    }
  }

  public static LayerSchedule plain(int numLayers) {
    return new LayerSchedule(numLayers, 1.0, Freeze.NONE, 0);
  }

  /** The learning-rate multiplier of a layer: {@code decay^(L − layer)}, 1 for the head. */
  public double lrScale(int layer) {
    int depth = numLayers - Math.min(layer, numLayers);
    return Math.pow(layerDecay, depth);
  }

  /** The learning-rate multiplier of a parameter. */
  public double lrScale(Parameter p) {
    return lrScale(p.layerIndex());
  }

  /** Whether layer {@code layer} trains at optimizer step {@code step}. */
  public boolean trainable(int layer, long step) {
    if (!freeze.allows(layer, numLayers)) {
      return false;
    }
    if (unfreezeEverySteps == 0 || layer >= numLayers) {
      return true;
    }
    long unfrozenBelowHead = step / unfreezeEverySteps; // number of layers unfrozen from the top so far
    return layer >= numLayers - unfrozenBelowHead;
  }

  /** Sets {@link Parameter#setTrainable} of every parameter for optimizer step {@code step}. */
  public void apply(Iterable<Parameter> params, long step) {
    for (Parameter p : params) {
      p.setTrainable(trainable(p.layerIndex(), step));
    }
  }
}
