package io.finbert4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finbert evaluate} on tiny-finbert: accuracy and confusion matrix follow from the reference logits. */
class EvaluateCommandTest {
  @TempDir Path tmp;

  @Test
  void metricsAgreeWithTheReferenceLogits() throws Exception {
    JsonNode ref = TrainingFixtures.reference();
    String[] labels = {"positive", "negative", "neutral"};
    StringBuilder csv = new StringBuilder("label,text,text_pair\n");
    int n = 0;
    int correct = 0;
    long[][] cm = new long[3][3];
    for (JsonNode item : ref.get("items")) {
      String text = item.get("text").get(0).asText();
      if (text.isEmpty()) {
        continue; // an empty text is a data error in CSV input
      }
      String pair = item.get("text").size() > 1 ? item.get("text").get(1).asText() : "";
      int gold = item.get("label").asInt();
      JsonNode lg = item.get("logits");
      int pred = 0;
      for (int j = 1; j < 3; j++) {
        if (lg.get(j).asDouble() > lg.get(pred).asDouble()) {
          pred = j;
        }
      }
      cm[gold][pred]++;
      correct += gold == pred ? 1 : 0;
      n++;
      csv.append(labels[gold]).append(',').append(quote(text)).append(',').append(quote(pair)).append('\n');
    }
    Path data = tmp.resolve("ref.csv");
    Files.writeString(data, csv);
    TrainingFixtures.Run r = TrainingFixtures.run("evaluate", "--model", TrainingFixtures.dir().toString(), "--data",
        data.toString(), "--json");
    assertEquals(0, r.rc(), r.err());
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertEquals((double) correct / n, j.get("accuracy").asDouble(), 1e-12);
    assertEquals(n, j.get("n").asInt());
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < 3; p++) {
        assertEquals(cm[t][p], j.get("confusion_matrix").get(t).get(p).asLong(), "confusion[" + t + "][" + p + "]");
      }
    }
    TrainingFixtures.Run table = TrainingFixtures.run("evaluate", "--model", TrainingFixtures.dir().toString(), "--data",
        data.toString());
    assertEquals(0, table.rc(), table.err());
    assertTrue(table.out().contains("confusion matrix"), table.out());
    assertTrue(table.out().contains("macro-F1"), table.out());
  }

  @Test
  void unknownLabelIsAOneLineErrorNamingTheLine() throws Exception {
    Path data = tmp.resolve("bad.csv");
    Files.writeString(data, "label,text\npositive,Good.\nbullish,Great.\n");
    TrainingFixtures.Run r = TrainingFixtures.run("evaluate", "--model", TrainingFixtures.dir().toString(), "--data",
        data.toString());
    assertEquals(1, r.rc());
    assertTrue(r.err().startsWith("error: ") && r.err().contains("line 3") && r.err().contains("positive, negative, neutral"),
        r.err());
  }

  static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
