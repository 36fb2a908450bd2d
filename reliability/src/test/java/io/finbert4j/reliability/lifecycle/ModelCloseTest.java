package io.finbert4j.reliability.lifecycle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.core.BertForSequenceClassification;
import io.finbert4j.core.FinBert;
import io.finbert4j.core.FinBertOptions;
import io.finbert4j.core.SentimentResult;
import io.finbert4j.reliability.fuzz.Fixture;
import io.finbert4j.weights.BertConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.finbert4j.core.Parameter;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code FinBert} and the model classes release their off-heap memory when closed (measured as the process's
 * resident set size, where ND4J's native CPU buffers show), closing twice is harmless, using a
 * closed model is an IllegalStateException that says so, and a close racing predictions on other threads waits for
 * them instead of freeing memory under them (which would crash the JVM).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ModelCloseTest {
  /** 4 layers × 256 hidden: about 11 M float parameters, 45 MB off-heap; big enough to measure, quick to build. */
  private static final BertConfig MEDIUM = BertConfig.builder().vocabSize(30522).hiddenSize(256).numHiddenLayers(4)
      .numAttentionHeads(4).intermediateSize(1024).maxPositionEmbeddings(512).labels(List.of("positive", "negative", "neutral"))
      .build();

  /** Resident set size of this process (Linux {@code /proc/self/status}), in bytes. */
  /** Runs the GC twice with a pause, so that pending deallocators (ND4J buffers, mapped files) have run. */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
    System.gc();
    Thread.sleep(100);
  }

  static long rssBytes() throws java.io.IOException {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status (this check needs Linux)");
  }

  @Test
  void closeReleasesTheWeightsOffHeapMemoryDeterministically() throws Exception {
    // ND4J's CPU buffers are native (malloc'd by libnd4j, large ones straight from mmap), so the process RSS shows
    // them arrive and leave; nothing else in this test allocates tens of megabytes in between.
    // garbage of earlier tests (unclosed buffers, mapped files) is freed by a GC's deallocators: let that happen
    // now, not between two readings
    settle();
    long before = rssBytes();
    BertForSequenceClassification m = BertForSequenceClassification.random(MEDIUM, DataType.FLOAT, 1);
    long embeddings = m.parameters().get("bert.embeddings.word_embeddings.weight").value().length() * Float.BYTES;
    settle();
    long loaded = rssBytes();
    // the large blocks (the 31 MB embedding table) come straight from mmap and show in RSS; the small tensors may
    // reuse malloc arena memory that earlier tests freed and that is still resident, so they need not
    assertTrue(loaded - before >= embeddings * 0.9, "weights are resident off-heap: RSS rose " + (loaded - before)
        + ", embeddings " + embeddings);
    m.predictLogits(new int[][] {{101, 2000, 102}}, new int[][] {{1, 1, 1}}, new int[][] {{0, 0, 0}});
    List<INDArray> arrays = new ArrayList<>();
    for (Parameter p : m.parameters()) {
      arrays.add(p.value());
    }
    // measured around close() alone: the prediction above (JIT code, its workspace) may add to RSS meanwhile
    settle();
    long beforeClose = rssBytes();
    m.close();
    long after = rssBytes();
    for (int i = 0; i < arrays.size(); i++) {
      assertTrue(arrays.get(i).wasClosed(), "buffer " + i + " released by close()");
    }
    // glibc hands large blocks (the 31 MB embedding table) back to the OS at once; small ones stay in its arenas
    // for reuse, so RSS drops by at least the large ones.
    assertTrue(beforeClose - after >= embeddings * 0.9,
        "close() must free the weights now, not at a later GC: RSS fell " + (beforeClose - after) + ", embeddings "
            + embeddings);
    assertDoesNotThrow(m::close, "closing twice is harmless");
    assertTrue(m.isClosed());
  }

  @Test
  void aClosedModelIsAClearErrorNotACrash() throws Exception {
    FinBert f = FinBert.load(Fixture.dir());
    FinBert copy = f.withOptions(FinBertOptions.DEFAULT);
    SentimentResult r = f.analyze("Operating profit rose to EUR 13.1 mn.");
    assertEquals(3, r.probabilities().size());
    f.close();
    f.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.analyze("Profit fell."));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> copy.analyze(List.of("shares the model")), "copies share it");
    assertThrows(IllegalStateException.class, () -> f.analyzeDocument("A document. Two sentences."));
    assertTrue(f.isClosed() && copy.isClosed());

    BertForSequenceClassification m = BertForSequenceClassification.load(Fixture.dir());
    m.close();
    IllegalStateException p = assertThrows(IllegalStateException.class,
        () -> m.predictLogits(new int[][] {{101, 102}}, new int[][] {{1, 1}}, new int[][] {{0, 0}}));
    assertTrue(p.getMessage().contains("closed"), p.getMessage());
    assertThrows(IllegalStateException.class, () -> m.parameters().get("classifier.weight").value());
    assertThrows(IllegalStateException.class, () -> m.bert().lastHiddenState(new int[][] {{101, 102}},
        new int[][] {{1, 1}}, new int[][] {{0, 0}}));
  }

  @Test
  void closeWaitsForPredictionsInFlightOnOtherThreads() throws Exception {
    FinBert f = FinBert.load(Fixture.dir());
    int threads = 4;
    CountDownLatch running = new CountDownLatch(threads);
    AtomicInteger completed = new AtomicInteger();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    List<Thread> ts = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        running.countDown();
        try {
          while (true) {
            f.analyze(List.of("Shares plunged after the company cut its guidance.", "Sales rose 5 %."));
            completed.incrementAndGet();
          }
        } catch (IllegalStateException closed) {
          if (!closed.getMessage().contains("closed")) {
            unexpected.set(closed);
          }
        } catch (Throwable other) {
          unexpected.set(other);
        }
      });
      t.start();
      ts.add(t);
    }
    running.await();
    Thread.sleep(300);
    f.close(); // must wait for the passes in flight; none may see freed memory
    for (Thread t : ts) {
      t.join(60_000);
    }
    assertEquals(null, unexpected.get(), "predictions racing close() saw only results or 'closed'");
    assertTrue(completed.get() > 0);
  }

  /**
   * Analyze calls on 4 threads while another thread loads (and closes) second models: every result is bit-identical
   * to the one-thread result, and loading does not disturb the shared model.
   */
  @Test
  void analyzeWhileAnotherThreadLoadsModelsGivesBitIdenticalResults() throws Exception {
    List<String> texts = List.of("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn.",
        "The company cut its outlook and shares fell 9 %.", "Net sales were flat.", "");
    try (FinBert f = FinBert.load(Fixture.dir())) {
      List<SentimentResult> expected = f.analyze(texts);
      AtomicBoolean loading = new AtomicBoolean(true);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger loads = new AtomicInteger();
      Thread loader = new Thread(() -> {
        try {
          for (int i = 0; i < 3; i++) {
            try (FinBert other = FinBert.load(Fixture.dir())) {
              other.analyze("a second model");
              loads.incrementAndGet();
            }
          }
        } catch (Throwable t) {
          failure.set(t);
        } finally {
          loading.set(false);
        }
      });
      List<Thread> workers = new ArrayList<>();
      AtomicInteger checked = new AtomicInteger();
      for (int w = 0; w < 4; w++) {
        Thread t = new Thread(() -> {
          try {
            while (loading.get() || checked.get() < 8) {
              List<SentimentResult> got = f.analyze(texts);
              for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected.get(i).logits(), got.get(i).logits(), 0f, "text " + i);
              }
              checked.incrementAndGet();
            }
          } catch (Throwable t2) {
            failure.compareAndSet(null, t2);
          }
        });
        workers.add(t);
      }
      loader.start();
      workers.forEach(Thread::start);
      loader.join();
      for (Thread t : workers) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertEquals(3, loads.get());
      assertTrue(checked.get() >= 8);
    }
  }
}
