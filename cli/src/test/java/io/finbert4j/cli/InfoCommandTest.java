package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InfoCommandTest {
  @Test
  void describesTheCpuBackend() {
    PredictCommandTest.Run r = PredictCommandTest.run("", "info", "--backend", "cpu");
    assertEquals(0, r.rc(), r.err());
    assertTrue(r.out().matches("(?s)backend:\\s+CPU.*BLAS vendor:\\s+\\S+.*threads:\\s+\\d+.*data type:\\s+FLOAT.*"
        + "ND4J version:\\s+1\\.0\\.0-M2\\.1.*Java:\\s+17.*"), r.out());
  }

  @Test
  void cudaWithoutTheCudaBuildIsAClearError() {
    PredictCommandTest.Run r = PredictCommandTest.run("", "info", "--backend", "cuda");
    assertEquals(CliErrors.EXIT_USER_ERROR, r.rc());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("nd4j-cuda-11.6 is not on the classpath") && r.err().contains("-Pcuda"),
        r.err());
  }
}
