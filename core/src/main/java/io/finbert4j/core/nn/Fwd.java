package io.finbert4j.core.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A forward result: the output and the cache record its backward pass needs. */
public record Fwd<C>(INDArray out, C cache) {}
