package io.finbert4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.core.document.DocumentOptions;
import io.finbert4j.core.document.DocumentPart;
import io.finbert4j.core.document.DocumentResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FinBert} on the tiny fixture model against reference.json (float64 reference outputs of an
 * independent implementation): probabilities per label name, batched and one by one, in order under
 * length bucketing, from many threads; documents: offsets, aggregation, windowing.
 */
class FinBertTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  /** float32 model vs float64 reference (fixtures/README). */
  static final double TOL = 1e-5;

  static FinBert finbert;
  static List<String[]> inputs = new ArrayList<>();
  static List<double[]> refProbs = new ArrayList<>();
  static List<Integer> refTokens = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    if (!Files.isDirectory(FIXTURE)) {
      throw new IllegalStateException("fixture missing: " + FIXTURE.toAbsolutePath());
    }
    finbert = FinBert.load(FIXTURE);
    JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
    for (JsonNode item : ref.get("items")) {
      JsonNode t = item.get("text");
      inputs.add(t.size() == 1 ? new String[] {t.get(0).asText()}
          : new String[] {t.get(0).asText(), t.get(1).asText()});
      JsonNode p = item.get("probabilities");
      double[] probs = new double[p.size()];
      for (int i = 0; i < probs.length; i++) {
        probs[i] = p.get(i).asDouble();
      }
      refProbs.add(probs);
      refTokens.add(item.get("input_ids").size());
    }
    assertTrue(inputs.size() >= 5, "reference.json has too few items");
  }

  /** Worst |ours − reference| over labels, by label NAME (id2label order: positive, negative, neutral). */
  static double worst(SentimentResult r, double[] ref) {
    assertEquals(List.of("positive", "negative", "neutral"), List.copyOf(r.probabilities().keySet()));
    double w = 0;
    int i = 0;
    for (String label : finbert.labels()) {
      w = Math.max(w, Math.abs(r.probability(label) - ref[i++]));
    }
    return w;
  }

  @Test
  void referenceProbabilitiesInOneBatch() {
    List<SentimentResult> rs = finbert.analyzePairs(inputs);
    double worst = 0;
    for (int i = 0; i < inputs.size(); i++) {
      SentimentResult r = rs.get(i);
      worst = Math.max(worst, worst(r, refProbs.get(i)));
      assertEquals((int) refTokens.get(i), r.tokens(), "token count of item " + i);
      assertFalse(r.truncated());
      assertEquals(r.probability("positive") - r.probability("negative"), r.sentimentScore(), 1e-12);
      assertEquals(finbert.labels().get(argmax(refProbs.get(i))), r.label(), "label of item " + i);
    }
    System.out.printf("FinBert batch: worst |p - ref| = %.3g%n", worst);
    assertTrue(worst <= TOL, "probabilities differ from reference by " + worst);
  }

  @Test
  void referenceProbabilitiesOneByOne() {
    double worst = 0;
    for (int i = 0; i < inputs.size(); i++) {
      String[] in = inputs.get(i);
      SentimentResult r = in.length == 1 ? finbert.analyze(in[0]) : finbert.analyze(in[0], in[1]);
      worst = Math.max(worst, worst(r, refProbs.get(i)));
    }
    System.out.printf("FinBert one by one: worst |p - ref| = %.3g%n", worst);
    assertTrue(worst <= TOL, "probabilities differ from reference by " + worst);
  }

  @Test
  void bucketingReturnsResultsInInputOrder() {
    // 4 copies of every item, shuffled, so lengths are mixed; batch 3 cuts the sorted order into buckets
    List<Integer> idx = new ArrayList<>();
    for (int copy = 0; copy < 4; copy++) {
      for (int i = 0; i < inputs.size(); i++) {
        idx.add(i);
      }
    }
    Collections.shuffle(idx, new Random(7));
    List<String[]> shuffled = new ArrayList<>();
    for (int i : idx) {
      shuffled.add(inputs.get(i));
    }
    List<SentimentResult> rs = finbert.withOptions(new FinBertOptions(3, 0)).analyzePairs(shuffled);
    double worst = 0;
    for (int k = 0; k < idx.size(); k++) {
      worst = Math.max(worst, worst(rs.get(k), refProbs.get(idx.get(k))));
      assertEquals((int) refTokens.get(idx.get(k)), rs.get(k).tokens(), "tokens at position " + k);
    }
    assertTrue(worst <= TOL, "shuffled, bucketed results differ from reference by " + worst);
  }

  @Test
  void manyThreadsGiveTheSingleThreadedResults() throws Exception {
    List<SentimentResult> expected = finbert.analyzePairs(inputs);
    int threads = 4;
    int rounds = 3;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<List<SentimentResult>>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          List<List<SentimentResult>> got = new ArrayList<>();
          for (int r = 0; r < rounds; r++) {
            got.add(finbert.analyzePairs(inputs));
          }
          return got;
        }));
      }
      for (Future<List<List<SentimentResult>>> f : futures) {
        for (List<SentimentResult> got : f.get()) {
          for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).logits(), got.get(i).logits(),
                "logits of item " + i + " differ between threads");
            assertEquals(expected.get(i), got.get(i));
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void emptyAndBlankTextsAreValidAndNullIsNot() {
    int emptyItem = -1;
    for (int i = 0; i < inputs.size(); i++) {
      if (inputs.get(i).length == 1 && inputs.get(i)[0].isEmpty()) {
        emptyItem = i;
      }
    }
    assertTrue(emptyItem >= 0, "reference.json has no empty text");
    SentimentResult empty = finbert.analyze("");
    assertEquals(2, empty.tokens(), "[CLS] [SEP]");
    assertTrue(worst(empty, refProbs.get(emptyItem)) <= TOL);
    SentimentResult blank = finbert.analyze(" \t\n ");
    assertArrayEquals(empty.logits(), blank.logits());
    NullPointerException e1 = assertThrows(NullPointerException.class, () -> finbert.analyze((String) null));
    assertTrue(e1.getMessage().contains("text"));
    NullPointerException e2 = assertThrows(NullPointerException.class,
        () -> finbert.analyze(java.util.Arrays.asList("a", null)));
    assertTrue(e2.getMessage().contains("texts[1]"), e2.getMessage());
  }

  @Test
  void longTextIsTruncatedAndSaysSo() {
    FinBert short16 = finbert.withOptions(FinBertOptions.DEFAULT.withMaxLength(16));
    String text = inputs.get(1)[0]; // 33 tokens
    SentimentResult r = short16.analyze(text);
    assertTrue(r.truncated());
    assertEquals(16, r.tokens());
    assertEquals(33 - 16, r.truncatedTokens());
    assertEquals(512, finbert.maxLength(), "default = min(model_max_length, max_position_embeddings)");
    assertThrows(IllegalArgumentException.class,
        () -> finbert.withOptions(FinBertOptions.DEFAULT.withMaxLength(513)));
  }

  static final String DOC =
      "AAPL stock price spikes after record-breaking sales figures.  Operating profit fell to EUR 35.4 mn "
          + "from EUR 68.8 mn in 2007, including vacation pay of EUR 1.3 mn.\n\nThe company's net sales "
          + "increased by 12 % to EUR 1,150.3 million. Société Générale cuts its outlook; shares tumble 7%!";

  @Test
  void documentPartsMapBackAndAggregateByTokenWeight() {
    DocumentResult d = finbert.analyzeDocument(DOC);
    assertEquals(4, d.parts().size(), "four sentences");
    assertFalse(d.windowed());
    assertFalse(d.truncated());
    double[] sum = new double[3];
    double total = 0;
    for (DocumentPart p : d.parts()) {
      assertEquals(DOC.substring(p.start(), p.end()), p.text());
      assertEquals(p.text().strip(), p.text(), "parts are trimmed");
      SentimentResult alone = finbert.analyze(p.text());
      assertEquals(alone.tokens(), p.result().tokens());
      for (String label : finbert.labels()) {
        assertEquals(alone.probability(label), p.result().probability(label), 1e-6);
      }
      int j = 0;
      for (double prob : p.result().probabilities().values()) {
        sum[j++] += p.result().tokens() * prob;
      }
      total += p.result().tokens();
    }
    int j = 0;
    for (String label : finbert.labels()) {
      assertEquals(sum[j++] / total, d.probabilities().get(label), 1e-12, "token-weighted " + label);
    }
    assertEquals(d.probabilities().get("positive") - d.probabilities().get("negative"),
        d.sentimentScore(), 1e-12);
    // sentences are the reference sentences, so their probabilities match the reference too
    assertTrue(worst(d.parts().get(0).result(), refProbs.get(0)) <= TOL);
    assertTrue(worst(d.parts().get(1).result(), refProbs.get(1)) <= TOL);

    DocumentResult mean = finbert.analyzeDocument(DOC,
        DocumentOptions.DEFAULT.withAggregation(DocumentOptions.Aggregation.MEAN));
    j = 0;
    for (String label : finbert.labels()) {
      double m = mean.parts().stream().mapToDouble(p -> p.result().probability(label)).average()
          .orElseThrow();
      assertEquals(m, mean.probabilities().get(label), 1e-12, "plain mean " + label);
    }
  }

  @Test
  void longSentenceIsWindowedNotTruncated() {
    FinBert short16 = finbert.withOptions(FinBertOptions.DEFAULT.withMaxLength(16));
    String doc = "Short one. " + inputs.get(1)[0] + " Fine.";
    DocumentResult d = short16.analyzeDocument(doc, DocumentOptions.DEFAULT.withStride(4));
    assertTrue(d.windowed());
    assertFalse(d.truncated());
    List<DocumentPart> windows = d.parts().stream().filter(DocumentPart::window).toList();
    // 31 pieces, capacity 14, step 10: windows at 0, 10, 20 → 3 windows
    assertEquals(3, windows.size());
    int sentenceStart = doc.indexOf("Operating");
    int sentenceEnd = doc.indexOf(" Fine.");
    assertEquals(sentenceStart, windows.get(0).start());
    assertEquals(sentenceEnd, windows.get(2).end());
    for (int w = 0; w < windows.size(); w++) {
      DocumentPart p = windows.get(w);
      assertEquals(doc.substring(p.start(), p.end()), p.text());
      assertTrue(p.result().tokens() <= 16);
      assertEquals(w, p.windowIndex());
      assertEquals(3, p.windowCount());
      if (w > 0) {
        assertTrue(p.start() < windows.get(w - 1).end(), "consecutive windows overlap (stride 4)");
      }
    }
    assertEquals(5, d.parts().size(), "short sentence + 3 windows + short sentence");
  }

  @Test
  void modelWithWrongLabelCountIsReportedClearly() throws IOException {
    FinBert broken = FinBert.create(finbert.tokenizer(),
        io.finbert4j.weights.BertConfig.load(FIXTURE.resolve("config.json")),
        (ids, mask, types) -> new float[ids.length][2], FinBertOptions.DEFAULT);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken.analyze("x"));
    assertTrue(e.getMessage().contains("2 logits") && e.getMessage().contains("3 labels"), e.getMessage());
  }

  static int argmax(double[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[b]) {
        b = i;
      }
    }
    return b;
  }
}
