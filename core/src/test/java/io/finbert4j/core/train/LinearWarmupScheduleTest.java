package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LinearWarmupScheduleTest {
  @Test
  void followsHuggingFaceLinearScheduleWithWarmup() {
    // get_linear_schedule_with_warmup(opt, num_warmup_steps=10, num_training_steps=110), lr 1e-3
    LinearWarmupSchedule s = new LinearWarmupSchedule(1e-3, 10, 110);
    assertEquals(0.0, s.lr(0), 0);
    assertEquals(1e-4, s.lr(1), 1e-15);
    assertEquals(9e-4, s.lr(9), 1e-15);
    assertEquals(1e-3, s.lr(10), 1e-15);
    assertEquals(1e-3 * 50 / 100, s.lr(60), 1e-15);
    assertEquals(1e-3 * 1 / 100, s.lr(109), 1e-15);
    assertEquals(0.0, s.lr(110), 0);
    assertEquals(0.0, s.lr(200), 0);
  }

  @Test
  void warmupFractionRoundsUpLikeHf() {
    assertEquals(11, LinearWarmupSchedule.withWarmupFraction(1, 0.1, 101).warmupSteps());
    assertEquals(0, LinearWarmupSchedule.withWarmupFraction(1, 0, 101).warmupSteps());
    // no warm-up: the first step already uses the peak
    assertEquals(1.0, LinearWarmupSchedule.withWarmupFraction(1, 0, 100).lr(0), 0);
  }
}
