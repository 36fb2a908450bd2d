package io.finbert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour of {@link BertTokenizer} on the bert-base-uncased vocabulary of the tiny-finbert fixture
 * (expected values agree with Hugging Face's tokenizer; the tests module checks that at scale).
 */
class BertTokenizerTest {
  static final Path FIXTURE = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
  static BertTokenizer bert;

  @BeforeAll
  static void load() {
    assertTrue(Files.isRegularFile(FIXTURE.resolve("vocab.txt")), "fixture missing: " + FIXTURE.toAbsolutePath());
    bert = BertTokenizer.fromDirectory(FIXTURE);
  }

  static int[][] offs(int... pairs) {
    int[][] r = new int[pairs.length / 2][];
    for (int i = 0; i < r.length; i++) {
      r[i] = new int[] {pairs[2 * i], pairs[2 * i + 1]};
    }
    return r;
  }

  @Test
  void basicTokenizationAndWordPiece() {
    assertEquals(List.of("hello", ",", "world", "!"), bert.tokenize("Hello, World!"));
    assertEquals(List.of("una", "##ffa", "##ble"), bert.tokenize("unaffable"));
    assertEquals(List.of("don", "'", "t", "stop"), bert.tokenize("don't stop"));
    assertEquals(List.of("中", "文", "abc"), bert.tokenize("\u4e2d\u6587abc"), "CJK ideographs stand alone");
    assertEquals(List.of(), bert.tokenize(""));
    assertEquals(List.of(), bert.tokenize(" \t\n\u00a0\u3000"));
  }

  @Test
  void cleanupDropsControlsAndMapsUnicodeSpaces() {
    // NBSP splits; zero-width space and NUL vanish (joining their neighbours); unpaired surrogates vanish
    assertEquals(List.of("a", "bc", "##d"), bert.tokenize("a\u00a0b\u200bc\u0000d"));
    assertEquals(List.of("x", "##y"), bert.tokenize("x\uD800y"));
    assertEquals(List.of("x", "##y"), bert.tokenize("x\uFFFDy"));
    assertEquals(List.of("a", "b"), bert.tokenize("a\u2028b"));
  }

  @Test
  void longAndUnknownWordsBecomeOneUnk() {
    String hundred = "a".repeat(100);
    assertFalse(bert.tokenize(hundred).contains("[UNK]"), "100 characters are still segmented");
    assertEquals(List.of("[UNK]"), bert.tokenize("a".repeat(101)));
    // a 101-code-point word of surrogate pairs (202 UTF-16 units) is [UNK] as well, with its whole span
    Encoding e = bert.encode("\uD83D\uDE00".repeat(101));
    assertArrayEquals(offs(0, 0, 0, 202, 0, 0), e.offsets());
    assertEquals(List.of("[UNK]"), bert.tokenize("x\uD83D\uDE00y"), "no complete segmentation");
  }

  @Test
  void specialTokensInTextAreKeptWholeCaseSensitively() {
    Encoding e = bert.encode("[SEP]x[CLS]");
    assertArrayEquals(new int[] {101, 102, 1060, 101, 102}, e.inputIds());
    assertArrayEquals(offs(0, 0, 0, 5, 5, 6, 6, 11, 0, 0), e.offsets());
    assertEquals(List.of("[", "sep", "]"), bert.tokenize("[sep]"), "special tokens match case-sensitively");
    assertEquals(List.of("[", "[MASK]", "]"), bert.tokenize("[[MASK]]"));
  }

  @Test
  void neverSplitKeepsWholeWordsOnly(@TempDir Path dir) throws IOException {
    Path vocab = Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a",
        "b", "[", "]", "foo", "[FOO]", "##b"));
    TokenizerConfig cfg = TokenizerConfig.builder().neverSplit(Set.of("[FOO]", "Keep")).build();
    BertTokenizer t = BertTokenizer.fromVocab(vocab, cfg);
    assertEquals(List.of("a", "[FOO]", "b"), t.tokenize("a [FOO] b"));
    assertEquals(List.of("[FOO]"), t.tokenize("[FOO]"));
    assertEquals(List.of("a", "[", "foo", "]", "b"), t.tokenize("a[FOO]b"), "not a whole word: split as usual");
    assertEquals(List.of("[UNK]"), t.tokenize("Keep"), "kept whole (not lower-cased); not in vocab -> [UNK]");
  }

  @Test
  void offsetsPointIntoTheOriginalTextThroughAccentsAndCaseChanges() {
    String text = "Café naïve";
    Encoding e = bert.encode(text);
    assertArrayEquals(new String[] {"[CLS]", "cafe", "naive", "[SEP]"}, e.tokens());
    assertArrayEquals(offs(0, 0, 0, 4, 5, 10, 0, 0), e.offsets());
    // decomposed accent: the dropped mark is not part of the token
    e = bert.encode("Cafe\u0301 x");
    assertArrayEquals(offs(0, 0, 0, 4, 6, 7, 0, 0), e.offsets());
    // İ (1 char) -> "i" + U+0307 under NFD/lower-casing; "istanbul" still spans the 8 original chars
    e = bert.encode("İstanbul");
    assertArrayEquals(new String[] {"[CLS]", "istanbul", "[SEP]"}, e.tokens());
    assertArrayEquals(offs(0, 0, 0, 8, 0, 0), e.offsets());
    // pieces split inside an accented word
    e = bert.encode("Société Générale");
    assertArrayEquals(new String[] {"[CLS]", "societe", "general", "##e", "[SEP]"}, e.tokens());
    assertArrayEquals(offs(0, 0, 0, 7, 8, 15, 15, 16, 0, 0), e.offsets());
    assertEquals("Générale", "Société Générale".substring(8, 16));
  }

  @Test
  void lowercasingWithoutAccentStrippingExpandsDotlessCapitalI(@TempDir Path dir) throws IOException {
    Path vocab = Files.write(dir.resolve("vocab.txt"), List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "i",
        "##\u0307", "##stanbul", "σ", "##α", "##σ"));
    BertTokenizer t = BertTokenizer.fromVocab(vocab, TokenizerConfig.builder().stripAccents(false).build());
    Encoding e = t.encode("İstanbul");
    assertArrayEquals(new String[] {"[CLS]", "i", "##\u0307", "##stanbul", "[SEP]"}, e.tokens());
    // both chars of the expansion map back to the single original İ
    assertArrayEquals(offs(0, 0, 0, 1, 0, 1, 1, 8, 0, 0), e.offsets());
    // per-character lower-casing, as Rust's char::to_lowercase: no final sigma
    assertEquals(List.of("σ", "##α", "##σ"), t.tokenize("ΣΑΣ"));
  }

  @Test
  void pairsGetTypeIdsAndSeparators() {
    Encoding e = bert.encode("Profit warning issued", "Shares fell.");
    assertEquals(List.of("[CLS]", "profit", "warning", "issued", "[SEP]", "shares", "fell", ".", "[SEP]"),
        Arrays.asList(e.tokens()));
    assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1}, e.tokenTypeIds());
    assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, e.attentionMask());
    assertArrayEquals(new int[] {0, 6}, e.offsets()[5], "offsets of the second text index into it");
    Encoding empty = bert.encode("x", "");
    assertEquals(List.of("[CLS]", "x", "[SEP]", "[SEP]"), Arrays.asList(empty.tokens()));
  }

  @Test
  void longestFirstSplitsLikeTheRustTokenizer() {
    // budget 9 between 10 and 10: both too long -> 4 and 5 (the remainder goes to the second)
    assertArrayEquals(new int[] {4, 5}, BertTokenizer.longestFirst(10, 10, 9));
    // the shorter keeps all it has, the longer takes the rest
    assertArrayEquals(new int[] {6, 3}, BertTokenizer.longestFirst(10, 3, 9));
    assertArrayEquals(new int[] {3, 6}, BertTokenizer.longestFirst(3, 10, 9));
    assertArrayEquals(new int[] {5, 5}, BertTokenizer.longestFirst(5, 8, 10));
    assertArrayEquals(new int[] {0, 0}, BertTokenizer.longestFirst(4, 7, 0));

    String a = "one two three four five six seven eight nine ten";
    String b = "alpha beta gamma";
    Encoding e = bert.encode(a, b, EncodeOptions.truncateTo(12));
    assertEquals(12, e.length());
    // 12 - 3 specials = 9 word pieces fit; the short second text keeps all of its pieces
    int na = bert.tokenize(a).size();
    int nb = bert.tokenize(b).size();
    int[] keep = BertTokenizer.longestFirst(na, nb, 12 - 3);
    assertEquals(na + nb - keep[0] - keep[1], e.numTruncated());
    assertTrue(e.truncated());
    assertEquals("[SEP]", e.tokens()[1 + keep[0]]);
    assertEquals("[SEP]", e.tokens()[11]);
    assertEquals(nb, keep[1]);
    assertEquals(bert.tokenize(b), Arrays.asList(e.tokens()).subList(2 + keep[0], 11));
  }

  @Test
  void singleTruncationAndItsLimits() {
    Encoding e = bert.encode("one two three four five", null, EncodeOptions.truncateTo(4));
    assertEquals(List.of("[CLS]", "one", "two", "[SEP]"), Arrays.asList(e.tokens()));
    assertEquals(3, e.numTruncated());
    Encoding full = bert.encode("one two three four five", null, EncodeOptions.noTruncation());
    assertEquals(0, full.numTruncated());
    assertFalse(full.truncated());
    // default = model_max_length (512 in the fixture)
    Encoding longText = bert.encode("word ".repeat(600));
    assertEquals(512, longText.length());
    assertEquals(600 - 510, longText.numTruncated());
    assertThrows(IllegalArgumentException.class, () -> bert.encode("a", null, EncodeOptions.truncateTo(1)));
    assertThrows(IllegalArgumentException.class, () -> bert.encode("a", "b", EncodeOptions.truncateTo(2)));
    assertThrows(IllegalArgumentException.class, () -> new EncodeOptions(-1, true, EncodeOptions.Padding.NONE));
  }

  @Test
  void paddingModes() {
    List<String> texts = List.of("short", "a somewhat longer sentence here", "");
    List<Encoding> none = bert.encodeBatch(texts, null, EncodeOptions.DEFAULT);
    assertEquals(3, none.get(0).length());
    assertEquals(2, none.get(2).length());

    List<Encoding> longest = bert.encodeBatch(texts, null,
        EncodeOptions.DEFAULT.withPadding(EncodeOptions.Padding.LONGEST));
    int max = none.stream().mapToInt(Encoding::length).max().orElseThrow();
    for (int i = 0; i < texts.size(); i++) {
      Encoding p = longest.get(i);
      Encoding u = none.get(i);
      assertEquals(max, p.length());
      assertArrayEquals(u.inputIds(), Arrays.copyOf(p.inputIds(), u.length()));
      for (int k = u.length(); k < max; k++) {
        assertEquals(bert.padId(), p.inputIds()[k]);
        assertEquals(0, p.attentionMask()[k]);
        assertEquals(0, p.tokenTypeIds()[k]);
        assertEquals("[PAD]", p.tokens()[k]);
        assertArrayEquals(new int[] {0, 0}, p.offsets()[k]);
      }
      assertEquals(u.length(), Arrays.stream(p.attentionMask()).sum());
    }

    List<Encoding> fixed = bert.encodeBatch(texts, Arrays.asList("pair", null, "x"),
        new EncodeOptions(16, true, EncodeOptions.Padding.MAX_LENGTH));
    for (Encoding p : fixed) {
      assertEquals(16, p.length());
    }
    assertEquals(List.of("[CLS]", "short", "[SEP]", "pair", "[SEP]", "[PAD]"),
        Arrays.asList(fixed.get(0).tokens()).subList(0, 6));
    assertEquals(16, bert.encode("one", null, new EncodeOptions(16, false, EncodeOptions.Padding.MAX_LENGTH)).length());

    BertTokenizer noLimit = BertTokenizer.fromVocab(FIXTURE.resolve("vocab.txt"), TokenizerConfig.defaults());
    assertThrows(IllegalArgumentException.class,
        () -> noLimit.encode("x", null, EncodeOptions.DEFAULT.withPadding(EncodeOptions.Padding.MAX_LENGTH)));
    assertThrows(IllegalArgumentException.class, () -> bert.encodeBatch(texts, List.of("one"), EncodeOptions.DEFAULT));
  }

  @Test
  void decodeFollowsHuggingFace() {
    int[] ids = bert.encode("Hello, world! don't it's a test.").inputIds();
    assertEquals("[CLS] hello, world! don ' t it ' s a test. [SEP]", bert.decode(ids, false));
    assertEquals("hello, world! don ' t it ' s a test.", bert.decode(ids, true));
    assertEquals("unaffable tokenization", bert.decode(bert.encode("unaffable tokenization").inputIds(), true));
    assertEquals("", bert.decode(new int[0], true));
    assertEquals("", bert.decode(new int[] {bert.clsId(), bert.padId()}, true));
    assertEquals("##ing", bert.decode(new int[] {bert.tokenToId("##ing")}, true), "a first ## piece keeps its prefix");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bert.decode(new int[] {101, 999_999}, false));
    assertTrue(e.getMessage().contains("ids[1] = 999999"), e.getMessage());
  }

  @Test
  void nullInputsAreRejectedClearly() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> bert.encode(null));
    assertEquals("text must not be null", e.getMessage());
    assertThrows(NullPointerException.class, () -> bert.tokenize(null));
    assertThrows(NullPointerException.class, () -> bert.decode(null, true));
    assertThrows(NullPointerException.class, () -> bert.encode("x", null, null));
    NullPointerException inBatch = assertThrows(NullPointerException.class,
        () -> bert.encodeBatch(Arrays.asList("a", null), null, EncodeOptions.DEFAULT));
    assertEquals("texts[1] is null", inBatch.getMessage());
  }

  @Test
  void accessors() {
    assertEquals(30522, bert.vocabSize());
    assertEquals(101, bert.clsId());
    assertEquals(102, bert.sepId());
    assertEquals(0, bert.padId());
    assertEquals(100, bert.unkId());
    assertEquals("[MASK]", bert.idToToken(103));
    assertEquals(-1, bert.tokenToId("no-such-token-anywhere"));
    assertThrows(IllegalArgumentException.class, () -> bert.idToToken(30522));
  }

  @Test
  void concurrentEncodingMatchesSequential() throws Exception {
    List<String> texts = new ArrayList<>();
    String[] parts = {"Operating profit", "fell to EUR 35.4 mn", "Société Générale", "中文", "naïve café",
      "\uD83D\uDE00", "[SEP]", "x".repeat(120), "don't", "İstanbul", "a\u0301\u0316b"};
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k <= i % 7; k++) {
        sb.append(parts[(i * 31 + k * 7) % parts.length]).append(k % 2 == 0 ? " " : "");
      }
      texts.add(sb.toString().repeat(1 + i % 5));
    }
    List<Encoding> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(bert.encode(t, t.length() % 3 == 0 ? "pair " + t : null, EncodeOptions.truncateTo(64)));
    }
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int offset = w;
        results.add(pool.submit(() -> {
          int checked = 0;
          for (int round = 0; round < 3; round++) {
            for (int i = 0; i < texts.size(); i++) {
              int j = (i + offset * 250) % texts.size();
              String t = texts.get(j);
              Encoding e = bert.encode(t, t.length() % 3 == 0 ? "pair " + t : null, EncodeOptions.truncateTo(64));
              assertEquals(expected.get(j), e, "text " + j + " on thread " + offset);
              checked++;
            }
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get();
      }
      assertEquals(threads * 3 * texts.size(), total);
    } finally {
      pool.shutdownNow();
    }
  }
}
