package io.finbert4j.core.quant;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when {@link Int8Support#available()}, printing the probe's reason either way. With
 * oneDNN 3 on the default class path that is every x86-64 build (AVX2 kernels included); {@link Int8FallbackTest}
 * checks that the verdict matches oneDNN's status, so a silently disabled int8 suite fails there.
 */
final class Int8Available implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Int8Support.Status s = Int8Support.status();
    String msg = "int8 kernel tests " + (s.available() ? "enabled" : "DISABLED") + ": " + s.reason();
    if (context.getTestMethod().isEmpty()) {
      System.out.println(msg); // once per class, not per method
    }
    return s.available() ? ConditionEvaluationResult.enabled(msg) : ConditionEvaluationResult.disabled(msg);
  }
}
