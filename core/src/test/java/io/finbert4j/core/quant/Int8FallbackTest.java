package io.finbert4j.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.dense.OneDnn;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runs on every class path: the probe's verdict is consistent with the natives and CPU, and the fallback works. */
class Int8FallbackTest {
  @Test
  void verdictMatchesOneDnn() {
    Int8Support.Status s = Int8Support.status();
    OneDnn.Status dnn = OneDnn.status();
    System.out.println("Int8Support: available=" + s.available() + " (" + s.reason() + "); oneDNN usable="
        + dnn.usable() + " (" + dnn.reason() + "), cpu int8 dot=" + Int8Support.cpuHasInt8Dot());
    if (!dnn.usable()) {
      assertFalse(s.available(), "int8 must be unavailable without oneDNN: " + s.reason());
      assertEquals(Precision.FLOAT32, Precision.INT8.effective());
    } else if (s.available()) {
      assertEquals(Precision.INT8, Precision.INT8.effective());
      assertTrue(s.reason().contains("self-test exact"), s.reason());
    } else {
      // the only acceptable failure with oneDNN loaded is the timing check on an overloaded machine (it prints
      // both rates); an inexact product or an exception would be a real defect
      assertTrue(s.reason().contains("much slower than float32"),
          "oneDNN loads but the int8 self-test failed: " + s.reason());
      assertEquals(Precision.FLOAT32, Precision.INT8.effective());
    }
    assertFalse(s.reason().isBlank());
  }

  @Test
  void createFallsBackToFloat32WhenInt8IsUnavailable() {
    Nd4j.getRandom().setSeed(2);
    INDArray w = Nd4j.randn(DataType.FLOAT, 12, 20);
    INDArray b = Nd4j.randn(DataType.FLOAT, 12);
    Linear lin = Linear.create(w, b, Precision.INT8);
    if (!Int8Support.available()) {
      assertInstanceOf(FloatLinear.class, lin, "int8 unavailable: create(INT8) must give the float32 kernel");
    } else {
      assertInstanceOf(QuantizedLinear.class, lin);
    }
    INDArray x = Nd4j.randn(DataType.FLOAT, 7, 20);
    INDArray y = Nd4j.create(DataType.FLOAT, 7, 12);
    lin.forward(x, y);
    INDArray ref = x.mmul(w.transpose()).addiRowVector(b);
    double tol = lin instanceof FloatLinear ? 1e-5 : 0.05;
    double rel = y.sub(ref).norm2Number().doubleValue() / ref.norm2Number().doubleValue();
    assertTrue(rel < tol, lin.kind() + " relative error " + rel);
  }

  @Test
  void floatLinearAddsBiasViaBetaAndIsExactToFloatRounding() {
    Nd4j.getRandom().setSeed(4);
    INDArray w = Nd4j.randn(DataType.FLOAT, 9, 33);
    INDArray b = Nd4j.randn(DataType.FLOAT, 9);
    INDArray x = Nd4j.randn(DataType.FLOAT, 6, 33);
    INDArray y = Nd4j.rand(DataType.FLOAT, 6, 9); // garbage that must be overwritten
    new FloatLinear(w, b).forward(x, y);
    INDArray ref = x.mmul(w.transpose()).addiRowVector(b);
    assertTrue(y.equalsWithEps(ref, 1e-5), "FloatLinear != x W^T + b");
  }

  @Test
  void parsesPrecision() {
    assertEquals(Precision.INT8, Precision.parse("INT8"));
    assertEquals(Precision.FLOAT32, Precision.parse("fp32"));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Precision.parse("fp8"));
    assertTrue(e.getMessage().contains("fp8") && e.getMessage().contains("bf16"), e.getMessage());
  }
}
