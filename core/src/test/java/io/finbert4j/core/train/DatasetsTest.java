package io.finbert4j.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  private static final List<String> LABELS = List.of("positive", "negative", "neutral");
  @TempDir Path dir;

  private Path write(String name, String content) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  @Test
  void parsesQuotesCommasNewlinesIdsAndPairs() throws Exception {
    Path f = write("a.csv",
        "label,text,text_pair\n"
            + "positive,\"Profit rose, a lot\",\n"
            + "1,\"He said \"\"sell\"\"\nnow\",second part\n"
            + "neutral,plain,\n");
    List<LabeledExample> ex = Datasets.readCsv(f, LABELS);
    assertEquals(3, ex.size());
    assertEquals("Profit rose, a lot", ex.get(0).text());
    assertNull(ex.get(0).textPair());
    assertEquals(0, ex.get(0).label());
    assertEquals("He said \"sell\"\nnow", ex.get(1).text());
    assertEquals("second part", ex.get(1).textPair());
    assertEquals(1, ex.get(1).label());
    assertEquals(3, ex.get(1).line());
    assertEquals(2, ex.get(2).label());
    assertEquals(5, ex.get(2).line()); // the quoted newline moved it one line down
  }

  @Test
  void unknownLabelNamesTheLineAndTheAllowedLabels() throws Exception {
    Path f = write("b.csv", "label,text\nneutral,ok\nbullish,bad\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.readCsv(f, LABELS));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    assertTrue(e.getMessage().contains("bullish"), e.getMessage());
    assertTrue(e.getMessage().contains("positive, negative, neutral"), e.getMessage());
  }

  @Test
  void emptyFileAndMissingColumnAreClearErrors() throws Exception {
    Path empty = write("e.csv", "");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.readCsv(empty, LABELS));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    Path headerOnly = write("h.csv", "label,text\n");
    e = assertThrows(IllegalArgumentException.class, () -> Datasets.readCsv(headerOnly, LABELS));
    assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
    Path noText = write("n.csv", "label,sentence\npositive,x\n");
    e = assertThrows(IllegalArgumentException.class, () -> Datasets.readCsv(noText, LABELS));
    assertTrue(e.getMessage().contains("\"text\""), e.getMessage());
  }

  @Test
  void readsJsonLines() throws Exception {
    Path f = write("g.jsonl",
        "{\"text\": \"a\", \"label\": \"negative\"}\n\n{\"text\": \"b\", \"text_pair\": \"c\", \"label\": 2}\n");
    List<LabeledExample> ex = Datasets.readJsonl(f, LABELS);
    assertEquals(2, ex.size());
    assertEquals(1, ex.get(0).label());
    assertEquals("c", ex.get(1).textPair());
    assertEquals(3, ex.get(1).line());
    Path bad = write("bad.jsonl", "{\"text\": \"a\", \"label\": \"up\"}\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.readJsonl(bad, LABELS));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void seededStratifiedSplit() {
    List<LabeledExample> all = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      all.add(new LabeledExample("t" + i, null, i % 10 == 0 ? 1 : 2, i + 2));
    }
    List<List<LabeledExample>> s = Datasets.split(all, 0.2, 3);
    assertEquals(80, s.get(0).size());
    assertEquals(20, s.get(1).size());
    assertEquals(2, s.get(1).stream().filter(e -> e.label() == 1).count()); // 10 % of each class
    Set<String> texts = new HashSet<>();
    s.get(0).forEach(e -> texts.add(e.text()));
    s.get(1).forEach(e -> texts.add(e.text()));
    assertEquals(100, texts.size());
    assertEquals(s, Datasets.split(all, 0.2, 3));
  }
}
