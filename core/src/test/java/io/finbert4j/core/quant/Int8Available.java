package io.finbert4j.core.quant;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only when {@link Int8Support#available()}, printing the probe's reason either way. The
 * default test class path has the generic natives, so these tests run with {@code mvn test -pl core -Ponednn}
 * on an AVX-512 VNNI machine; {@link Int8FallbackTest} covers the other case on every class path.
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
