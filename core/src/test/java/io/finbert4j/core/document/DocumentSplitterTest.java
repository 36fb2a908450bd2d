package io.finbert4j.core.document;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DocumentSplitterTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static BertTokenizer tok;

  @BeforeAll
  static void load() {
    if (!Files.isDirectory(FIXTURE)) {
      throw new IllegalStateException("fixture missing: " + FIXTURE.toAbsolutePath());
    }
    tok = BertTokenizer.fromDirectory(FIXTURE);
  }

  @Test
  void sentencesAreTrimmedSpansOfTheOriginal() {
    String doc = "  First sentence here.   Second one!\n\nThird?  ";
    List<int[]> s = DocumentSplitter.sentences(doc);
    List<String> texts = s.stream().map(a -> doc.substring(a[0], a[1])).toList();
    assertEquals(List.of("First sentence here.", "Second one!", "Third?"), texts);
    assertTrue(DocumentSplitter.sentences("").isEmpty());
    assertTrue(DocumentSplitter.sentences(" \n\t ").isEmpty());
  }

  @Test
  void blankDocumentIsOneEmptySegment() {
    List<DocumentSplitter.Segment> segs = new DocumentSplitter(tok, 16, 4).split("   ");
    assertEquals(1, segs.size());
    assertArrayEquals(new int[] {tok.clsId(), tok.sepId()}, segs.get(0).inputIds());
  }

  @Test
  void windowsCoverTheSentenceWithTheStrideAsOverlap() {
    String sentence = "Operating profit fell to EUR 35.4 mn from EUR 68.8 mn in 2007, including vacation "
        + "pay of EUR 1.3 mn, while net sales increased by 12 % to EUR 1,150.3 million.";
    String doc = "Intro. " + sentence;
    Encoding full = tok.encode(sentence, null, EncodeOptions.noTruncation());
    int pieces = full.length() - 2;
    for (int maxLength : new int[] {8, 16, 17, 30}) {
      for (int stride : new int[] {0, 1, 3, 5}) {
        List<DocumentSplitter.Segment> segs = new DocumentSplitter(tok, maxLength, stride).split(doc);
        List<DocumentSplitter.Segment> wins = segs.subList(1, segs.size());
        int capacity = maxLength - 2;
        int step = capacity - stride;
        int expectedCount = 1 + (pieces - capacity + step - 1) / step;
        assertEquals(expectedCount, wins.size(), "windows for maxLength " + maxLength + " stride " + stride);
        // stitched back (dropping each window's overlap) the windows are exactly the sentence's pieces
        List<Integer> stitched = new ArrayList<>();
        for (int w = 0; w < wins.size(); w++) {
          int[] ids = wins.get(w).inputIds();
          assertTrue(ids.length <= maxLength);
          assertEquals(tok.clsId(), ids[0]);
          assertEquals(tok.sepId(), ids[ids.length - 1]);
          int skip = w == 0 ? 0 : Math.min(stride, ids.length - 2);
          for (int i = 1 + skip; i < ids.length - 1; i++) {
            stitched.add(ids[i]);
          }
          assertEquals(doc.substring(wins.get(w).start(), wins.get(w).end()).strip(),
              doc.substring(wins.get(w).start(), wins.get(w).end()));
        }
        int[] expected = Arrays.copyOfRange(full.inputIds(), 1, full.length() - 1);
        assertArrayEquals(expected, stitched.stream().mapToInt(Integer::intValue).toArray());
        assertEquals(doc.indexOf(sentence), wins.get(0).start());
        assertEquals(doc.length(), wins.get(wins.size() - 1).end());
      }
    }
  }

  @Test
  void invalidStrideIsRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new DocumentSplitter(tok, 16, 14));
    assertTrue(e.getMessage().contains("stride"), e.getMessage());
    assertEquals(3, new DocumentSplitter(tok, 16, DocumentOptions.DEFAULT_STRIDE).stride());
  }
}
