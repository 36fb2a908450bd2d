package io.finbert4j.cli.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The bundled quickstart sentences: header, RFC 4180 quoting, balanced labels, no duplicates, and no overlap between
 * the training and the held-out file. (Lives with the ONNX tests because both belong to the quickstart tooling.)
 */
class QuickstartDataTest {
  private static final String DIR = "/io/finbert4j/cli/quickstart/";
  private static final Set<String> LABELS = Set.of("positive", "negative", "neutral");

  record Row(String label, String text) {}

  @Test
  void trainingAndEvalSetsAreBalancedAndDisjoint() throws IOException {
    List<Row> train = read("financial-sentiment-demo.csv");
    List<Row> eval = read("financial-sentiment-demo-eval.csv");
    assertEquals(Map.of("negative", 126, "neutral", 126, "positive", 126), counts(train));
    assertEquals(Map.of("negative", 20, "neutral", 20, "positive", 20), counts(eval));
    Set<String> seen = new HashSet<>();
    for (Row r : train) {
      assertTrue(seen.add(r.text()), "duplicate training sentence: " + r.text());
    }
    for (Row r : eval) {
      assertTrue(seen.add(r.text()), "eval sentence repeated: " + r.text());
    }
  }

  private static Map<String, Integer> counts(List<Row> rows) {
    Map<String, Integer> m = new TreeMap<>();
    rows.forEach(r -> m.merge(r.label(), 1, Integer::sum));
    return m;
  }

  /** Minimal RFC 4180 reader for two fields per line (no embedded newlines in this data). */
  private static List<Row> read(String name) throws IOException {
    InputStream in = QuickstartDataTest.class.getResourceAsStream(DIR + name);
    assertNotNull(in, "resource " + DIR + name);
    List<Row> rows = new ArrayList<>();
    try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      assertEquals("label,text", br.readLine(), name + " header");
      String line;
      int lineNo = 1;
      while ((line = br.readLine()) != null) {
        lineNo++;
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
          char c = line.charAt(i);
          if (quoted) {
            if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
              f.append('"');
              i++;
            } else if (c == '"') {
              quoted = false;
            } else {
              f.append(c);
            }
          } else if (c == '"') {
            quoted = true;
          } else if (c == ',') {
            fields.add(f.toString());
            f.setLength(0);
          } else {
            f.append(c);
          }
        }
        fields.add(f.toString());
        assertTrue(!quoted, name + ":" + lineNo + " unterminated quote");
        assertEquals(2, fields.size(), name + ":" + lineNo + " must have 2 fields: " + line);
        assertTrue(LABELS.contains(fields.get(0)), name + ":" + lineNo + " label " + fields.get(0));
        assertTrue(fields.get(1).length() > 20, name + ":" + lineNo + " text too short");
        rows.add(new Row(fields.get(0), fields.get(1)));
      }
    }
    return rows;
  }
}
