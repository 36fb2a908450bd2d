package io.finbert4j.core.train;

import io.finbert4j.core.Parameter;
import io.finbert4j.core.ParameterRegistry;
import io.finbert4j.core.nn.Profiler;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * AdamW exactly as {@code torch.optim.AdamW} (single-tensor path, {@code amsgrad=False}, {@code maximize=False})
 * with {@code torch.nn.utils.clip_grad_norm_} fused in:
 *
 * <pre>
 *   g     = grad · gradScale · clipCoef          (gradScale = 1/accumulation steps)
 *   p     = p · (1 − lr·wd)                      (decoupled weight decay, wd = 0 where !decays())
 *   m     = β1·m + (1−β1)·g
 *   v     = β2·v + (1−β2)·g²
 *   p     = p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * </pre>
 *
 * where {@code t} counts the updates of that parameter (PyTorch keeps a step per parameter; a parameter that was
 * frozen has no gradient and is skipped, as PyTorch skips parameters whose grad is None). The clip coefficient is
 * {@code min(1, maxNorm / (‖g‖ + 1e-6))} over all trainable gradients, as in {@code clip_grad_norm_}.
 *
 * <p>The update runs as fused float loops over zero-copy views of each parameter's value and gradient (ND4J native
 * memory), split into chunks that run on the common fork-join pool. Moments m and v live on the Java heap as float
 * arrays (same precision as PyTorch's float32 state).
 */
public final class AdamW {
  /** PyTorch's defaults for betas and eps; the weight decay default is HF's fine-tuning convention 0.01. */
  public static final double DEFAULT_BETA1 = 0.9;

  public static final double DEFAULT_BETA2 = 0.999;
  public static final double DEFAULT_EPS = 1e-8;
  public static final double DEFAULT_WEIGHT_DECAY = 0.01;
  /** The epsilon {@code clip_grad_norm_} adds to the total norm before dividing. */
  static final double CLIP_EPS = 1e-6;
  /** Elements per parallel work item and per scratch copy (fits comfortably in L2). */
  private static final int CHUNK = 1 << 14;

  /** Hyper-parameters other than the learning rate (which changes every step). */
  public record Hyper(double beta1, double beta2, double eps, double weightDecay) {
    public Hyper {
      if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
        throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
      }
      if (!(eps > 0) || !(weightDecay >= 0)) {
        throw new IllegalArgumentException("AdamW needs eps > 0 and weight decay >= 0, got " + eps + ", " + weightDecay);
      }
    }

    public static Hyper defaults() {
      return new Hyper(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, DEFAULT_WEIGHT_DECAY);
    }
  }

  /** What one {@link #step} did: the gradient norm before clipping and the clip coefficient applied (≤ 1). */
  public record StepStats(double gradNorm, double clipCoef) {}

  private final List<Parameter> params = new ArrayList<>();
  private final Hyper hyper;
  /** Per parameter, registry order: first moment, second moment [numel]; null until first update. */
  private final float[][] m;

  private final float[][] v;
  /** Per parameter: number of updates applied (PyTorch's state['step']). */
  private final long[] steps;

  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][CHUNK]);

  public AdamW(ParameterRegistry registry, Hyper hyper) {
    for (Parameter p : registry) {
      params.add(p);
    }
    this.hyper = hyper;
    this.m = new float[params.size()][];
    this.v = new float[params.size()][];
    this.steps = new long[params.size()];
  }

  public Hyper hyper() {
    return hyper;
  }

  /** The parameters in registry order (the order of the state arrays). */
  public List<Parameter> parameters() {
    return List.copyOf(params);
  }

  /**
   * The L2 norm over the gradients of all trainable parameters, each scaled by {@code gradScale}
   * (e.g. 1/accumulation steps), computed in double.
   */
  public double gradNorm(double gradScale) {
    List<long[]> work = chunks();
    double sumSq =
        work.parallelStream()
            .mapToDouble(
                w -> {
                  Parameter p = params.get((int) w[0]);
                  FloatBuffer g = FloatViews.of(p.grad(), p.name() + ".grad");
                  float[] buf = SCRATCH.get()[0];
                  int start = (int) w[1];
                  int len = (int) w[2];
                  g.get(start, buf, 0, len);
                  double s = 0;
                  for (int i = 0; i < len; i++) {
                    s += (double) buf[i] * buf[i];
                  }
                  return s;
                })
            .sum();
    return Math.sqrt(sumSq) * Math.abs(gradScale);
  }

  /**
   * One update of every trainable parameter from its accumulated gradient.
   *
   * @param lr the learning rate of this step (after the schedule)
   * @param lrScale per-parameter multiplier of {@code lr} (discriminative fine-tuning); {@code p -> 1} for none
   * @param gradScale multiplies every gradient before clipping (1/accumulation steps)
   * @param maxGradNorm clip the global norm to this ({@code <= 0} or infinite: no clipping)
   */
  public StepStats step(double lr, ToDoubleFunction<Parameter> lrScale, double gradScale, double maxGradNorm) {
    long t0 = Profiler.start();
    double norm = gradNorm(gradScale);
    double clip = 1.0;
    if (maxGradNorm > 0 && Double.isFinite(maxGradNorm)) {
      clip = Math.min(1.0, maxGradNorm / (norm + CLIP_EPS));
    }
    double[] paramLr = new double[params.size()];
    float[] decayMul = new float[params.size()];
    float[] stepSize = new float[params.size()];
    float[] bc2Sqrt = new float[params.size()];
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (!p.trainable()) {
        continue;
      }
      if (m[i] == null) {
        int n = Math.toIntExact(p.value().length());
        m[i] = new float[n];
        v[i] = new float[n];
      }
      steps[i]++;
      paramLr[i] = lr * lrScale.applyAsDouble(p);
      double wd = p.decays() ? hyper.weightDecay() : 0.0;
      decayMul[i] = (float) (1.0 - paramLr[i] * wd);
      // PyTorch computes the bias corrections and the step size in Python double, then uses them as scalars.
      double bc1 = 1.0 - Math.pow(hyper.beta1(), steps[i]);
      double bc2 = 1.0 - Math.pow(hyper.beta2(), steps[i]);
      stepSize[i] = (float) (paramLr[i] / bc1);
      bc2Sqrt[i] = (float) Math.sqrt(bc2);
    }
    float g = (float) (gradScale * clip);
    float b1 = (float) hyper.beta1();
    float b2 = (float) hyper.beta2();
    float omb1 = (float) (1.0 - hyper.beta1());
    float omb2 = (float) (1.0 - hyper.beta2());
    float eps = (float) hyper.eps();
    List<long[]> work = chunks();
    IntStream.range(0, work.size())
        .parallel()
        .forEach(
            k -> {
              long[] w = work.get(k);
              int i = (int) w[0];
              Parameter p = params.get(i);
              update(
                  FloatViews.of(p.value(), p.name()),
                  FloatViews.of(p.grad(), p.name() + ".grad"),
                  m[i], v[i], (int) w[1], (int) w[2],
                  g, decayMul[i], b1, b2, omb1, omb2, stepSize[i], bc2Sqrt[i], eps);
            });
    Profiler.stop("adamw (incl. grad norm)", t0);
    return new StepStats(norm, clip);
  }

  /** The fused per-element update of elements [start, start+len) of one parameter. */
  private static void update(
      FloatBuffer value, FloatBuffer grad, float[] m, float[] v, int start, int len,
      float gradMul, float decayMul, float b1, float b2, float omb1, float omb2, float stepSize, float bc2Sqrt,
      float eps) {
    float[][] scratch = SCRATCH.get();
    float[] p = scratch[0];
    float[] g = scratch[1];
    value.get(start, p, 0, len);
    grad.get(start, g, 0, len);
    for (int i = 0, j = start; i < len; i++, j++) {
      float gi = g[i] * gradMul;
      float mi = b1 * m[j] + omb1 * gi;
      float vi = b2 * v[j] + omb2 * gi * gi;
      m[j] = mi;
      v[j] = vi;
      float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
      p[i] = p[i] * decayMul - stepSize * (mi / denom);
    }
    value.put(start, p, 0, len);
  }

  /** Work items {paramIndex, start, length} covering every trainable parameter in chunks of at most CHUNK. */
  private List<long[]> chunks() {
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      Parameter p = params.get(i);
      if (!p.trainable()) {
        continue;
      }
      long n = p.value().length();
      for (long s = 0; s < n; s += CHUNK) {
        out.add(new long[] {i, s, Math.min(CHUNK, n - s)});
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------- state

  /** The optimizer state of one parameter: moments (null if never updated) and its update count. */
  public record ParamState(String name, float[] m, float[] v, long step) {}

  /** A copy of the state of every parameter, registry order. */
  public List<ParamState> state() {
    List<ParamState> out = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      out.add(new ParamState(params.get(i).name(), m[i] == null ? null : m[i].clone(),
          v[i] == null ? null : v[i].clone(), steps[i]));
    }
    return out;
  }

  /**
   * Restores state saved by {@link #state()}. Parameters absent from {@code saved} keep a fresh state.
   *
   * @throws IllegalArgumentException for an unknown parameter name or a moment of the wrong length
   */
  public void loadState(List<ParamState> saved) {
    for (ParamState s : saved) {
      int i = indexOf(s.name());
      long n = params.get(i).value().length();
      if (s.m() != null && (s.m().length != n || s.v() == null || s.v().length != n)) {
        throw new IllegalArgumentException(
            "optimizer state for " + s.name() + " has " + s.m().length + " elements, the parameter has " + n);
      }
      m[i] = s.m() == null ? null : s.m().clone();
      v[i] = s.v() == null ? null : s.v().clone();
      steps[i] = s.step();
    }
  }

  private int indexOf(String name) {
    for (int i = 0; i < params.size(); i++) {
      if (params.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "optimizer state names parameter " + name + ", which the model does not have");
  }

  @Override
  public String toString() {
    return "AdamW" + hyper + " over " + params.size() + " tensors, steps " + Arrays.stream(steps).max().orElse(0);
  }
}
