package io.finbert4j.tests.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity of {@link BertTokenizer} with Hugging Face's Rust tokenizer (see {@link RustOracle}): identical
 * input_ids and token_type_ids on an adversarial corpus of {@value #NUM_STRINGS} strings and
 * {@value #NUM_PAIRS} pairs, for our tokenizer loaded both from the same tokenizer.json and from
 * vocab.txt + tokenizer_config.json (tiny-finbert, the same bert-base-uncased vocabulary); identical
 * offsets, truncation, padding and decoding; and the ids stored in tiny-finbert/reference.json.
 */
class TokenizerParityTest {
  static final int NUM_STRINGS = 10_000;
  static final int NUM_PAIRS = 1_000;
  /** How many mismatches a failure prints. */
  static final int SHOW = 8;
  static final Path TINY_FINBERT = Path.of("src", "test", "resources", "tiny-finbert");

  @TempDir static Path tmp;
  static HuggingFaceTokenizer rust;
  static BertTokenizer fromJson;
  static BertTokenizer fromVocab;
  static List<String> strings;
  static List<String> pairA;
  static List<String> pairB;

  @BeforeAll
  static void load() throws IOException {
    Path json = RustOracle.copyTokenizerJson(tmp);
    rust = RustOracle.plain(json);
    fromJson = BertTokenizer.fromTokenizerJson(json);
    if (!Files.isRegularFile(TINY_FINBERT.resolve("vocab.txt"))) {
      fail("fixture missing: " + TINY_FINBERT.toAbsolutePath() + "/vocab.txt");
    }
    fromVocab = BertTokenizer.fromDirectory(TINY_FINBERT);
    strings = AdversarialCorpus.strings(NUM_STRINGS, AdversarialCorpus.SEED);
    List<String> p = AdversarialCorpus.strings(2 * NUM_PAIRS, AdversarialCorpus.SEED + 1);
    pairA = new ArrayList<>(p.subList(0, NUM_PAIRS));
    pairB = new ArrayList<>(p.subList(NUM_PAIRS, 2 * NUM_PAIRS));
    // a few hand-picked pairs: empty second text, specials, long vs short
    pairA.set(0, "Profit warning issued");
    pairB.set(0, "");
    pairA.set(1, "");
    pairB.set(1, "[SEP] [CLS]");
    pairA.set(2, "word ".repeat(300));
    pairB.set(2, "short one");
  }

  @AfterAll
  static void close() {
    if (rust != null) {
      rust.close();
    }
  }

  @Test
  void corpusIsAsLargeAsPromised() {
    assertEquals(NUM_STRINGS, strings.size());
    assertEquals(NUM_PAIRS, pairA.size());
    assertTrue(strings.stream().anyMatch(RustOracle::hasUnpairedSurrogate), "corpus must hold unpaired surrogates");
    assertTrue(strings.stream().anyMatch(s -> s.codePointCount(0, s.length()) > 100), "corpus must hold 100+ char words");
  }

  @Test
  void idsAndTypesMatchRustOnSingleTexts() {
    List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(rust, strings, null);
    for (BertTokenizer ours : List.of(fromJson, fromVocab)) {
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < strings.size(); i++) {
        Encoding e = ours.encode(strings.get(i), null, EncodeOptions.noTruncation());
        compareIds(strings.get(i), null, e, expected.get(i), bad);
      }
      report(ours + " vs Rust on " + strings.size() + " single texts", bad);
    }
  }

  @Test
  void idsAndTypesMatchRustOnPairs() {
    List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(rust, pairA, pairB);
    for (BertTokenizer ours : List.of(fromJson, fromVocab)) {
      List<String> bad = new ArrayList<>();
      for (int i = 0; i < pairA.size(); i++) {
        Encoding e = ours.encode(pairA.get(i), pairB.get(i), EncodeOptions.noTruncation());
        compareIds(pairA.get(i), pairB.get(i), e, expected.get(i), bad);
      }
      report(ours + " vs Rust on " + pairA.size() + " pairs", bad);
    }
  }

  /**
   * Offsets, compared as code point offsets (DJL reports code points, we report UTF-16 indices). Unpaired
   * surrogates reach Rust as U+FFFD (see {@link RustOracle#sanitize}), one code point each as here.
   */
  @Test
  void offsetsMatchRust() {
    List<String> texts = strings;
    List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(rust, texts, null);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      Encoding e = fromJson.encode(t, null, EncodeOptions.noTruncation());
      int[][] want = RustOracle.spans(expected.get(i));
      int[][] got = toCodePointOffsets(t, e.offsets());
      if (!Arrays.deepEquals(want, got)) {
        bad.add(RustOracle.escape(t) + "\n    tokens " + Arrays.toString(e.tokens()) + "\n    ours   "
            + Arrays.deepToString(got) + "\n    rust   " + Arrays.deepToString(want));
      }
      // offsets must point into the text and cover the token's source
      for (int[] o : e.offsets()) {
        if (o[0] < 0 || o[1] > t.length() || o[0] > o[1]) {
          bad.add(RustOracle.escape(t) + ": offset out of range " + Arrays.toString(o));
        }
      }
    }
    report("offsets vs Rust on " + texts.size() + " texts", bad);
  }

  @Test
  void pairOffsetsMatchRust() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    a.addAll(pairA);
    b.addAll(pairB);
    List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(rust, a, b);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      Encoding e = fromJson.encode(a.get(i), b.get(i), EncodeOptions.noTruncation());
      int[][] got = new int[e.length()][];
      for (int k = 0; k < e.length(); k++) {
        String src = e.tokenTypeIds()[k] == 0 ? a.get(i) : b.get(i);
        got[k] = toCodePointOffsets(src, new int[][] {e.offsets()[k]})[0];
      }
      int[][] want = RustOracle.spans(expected.get(i));
      if (!Arrays.deepEquals(want, got)) {
        bad.add(RustOracle.escape(a.get(i)) + " || " + RustOracle.escape(b.get(i)) + "\n    ours "
            + Arrays.deepToString(got) + "\n    rust " + Arrays.deepToString(want));
      }
    }
    report("pair offsets vs Rust on " + a.size() + " pairs", bad);
  }

  @Test
  void truncationAndPaddingMatchRust() throws IOException {
    Path json = tmp.resolve("tokenizer.json");
    List<String> a = pairA.subList(0, 400);
    List<String> b = pairB.subList(0, 400);
    List<String> singles = strings.subList(0, 1000);
    for (int maxLength : new int[] {3, 5, 8, 13, 32, 64}) {
      for (boolean padToMax : new boolean[] {false, true}) {
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder()
            .optTokenizerPath(json)
            .optAddSpecialTokens(true)
            .optTruncation(true)
            .optMaxLength(maxLength);
        if (padToMax) {
          builder.optPadToMaxLength();
        } else {
          builder.optPadding(true);
        }
        try (HuggingFaceTokenizer t = builder.build()) {
          assertEquals("LONGEST_FIRST", t.getTruncation());
          assertEquals(padToMax ? "MAX_LENGTH" : "LONGEST", t.getPadding());
          EncodeOptions opts = new EncodeOptions(maxLength, true,
              padToMax ? EncodeOptions.Padding.MAX_LENGTH : EncodeOptions.Padding.LONGEST);
          String what = "max_length " + maxLength + (padToMax ? ", pad to max_length" : ", pad to longest");
          if (maxLength >= 3) {
            comparePadded(what + ", pairs", t, a, b, opts);
          }
          comparePadded(what + ", singles", t, singles, null, opts);
        }
      }
    }
  }

  private void comparePadded(String what, HuggingFaceTokenizer t, List<String> a, List<String> b, EncodeOptions opts) {
    // One DJL batch call = one padded batch, so compare batch by batch.
    List<String> bad = new ArrayList<>();
    for (int from = 0; from < a.size(); from += RustOracle.BATCH) {
      int to = Math.min(a.size(), from + RustOracle.BATCH);
      List<String> ca = a.subList(from, to);
      List<String> cb = b == null ? null : b.subList(from, to);
      List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(t, ca, cb);
      List<Encoding> got = fromJson.encodeBatch(ca, cb, opts);
      for (int i = 0; i < ca.size(); i++) {
        ai.djl.huggingface.tokenizers.Encoding x = expected.get(i);
        Encoding e = got.get(i);
        if (!Arrays.equals(RustOracle.ints(x.getIds()), e.inputIds())
            || !Arrays.equals(RustOracle.ints(x.getTypeIds()), e.tokenTypeIds())
            || !Arrays.equals(RustOracle.ints(x.getAttentionMask()), e.attentionMask())
            || x.exceedMaxLength() != e.truncated()) {
          bad.add(RustOracle.escape(ca.get(i)) + (cb == null ? "" : " || " + RustOracle.escape(cb.get(i)))
              + "\n    ours " + Arrays.toString(e.tokens()) + " types " + Arrays.toString(e.tokenTypeIds())
              + " mask " + Arrays.toString(e.attentionMask()) + " truncated " + e.truncated()
              + "\n    rust " + Arrays.toString(x.getTokens()) + " types " + Arrays.toString(x.getTypeIds())
              + " mask " + Arrays.toString(x.getAttentionMask()) + " exceeded " + x.exceedMaxLength());
        }
      }
    }
    report(what, bad);
  }

  @Test
  void decodeMatchesRust() {
    List<String> bad = new ArrayList<>();
    List<String> texts = strings.subList(0, 3000);
    List<ai.djl.huggingface.tokenizers.Encoding> expected = RustOracle.encode(rust, texts, null);
    for (int i = 0; i < texts.size(); i++) {
      long[] ids = expected.get(i).getIds();
      for (boolean skip : new boolean[] {false, true}) {
        String want = rust.decode(ids, skip);
        String got = fromJson.decode(RustOracle.ints(ids), skip);
        if (!want.equals(got)) {
          bad.add(RustOracle.escape(texts.get(i)) + " skip=" + skip + "\n    ours " + RustOracle.escape(got)
              + "\n    rust " + RustOracle.escape(want));
        }
      }
    }
    // continuation piece first, cleanup cases
    int[] tricky = {fromJson.tokenToId("##ing"), fromJson.tokenToId("don"), fromJson.tokenToId("'"),
      fromJson.tokenToId("t"), fromJson.tokenToId("."), fromJson.tokenToId("?"), fromJson.tokenToId("do"),
      fromJson.tokenToId("not"), fromJson.tokenToId("'"), fromJson.tokenToId("s"), fromJson.clsId(),
      fromJson.sepId(), fromJson.padId()};
    for (boolean skip : new boolean[] {false, true}) {
      long[] asLong = Arrays.stream(tricky).asLongStream().toArray();
      assertEquals(rust.decode(asLong, skip), fromJson.decode(tricky, skip), "decode of " + Arrays.toString(tricky));
    }
    report("decode vs Rust on " + texts.size() + " texts", bad);
  }

  @Test
  void referenceJsonIdsMatch() throws IOException {
    JsonNode root = new ObjectMapper().readTree(TINY_FINBERT.resolve("reference.json").toFile());
    JsonNode items = root.get("items");
    assertTrue(items != null && items.size() > 0, "reference.json has no items");
    for (JsonNode item : items) {
      JsonNode text = item.get("text");
      String a = text.get(0).asText();
      String b = text.size() > 1 ? text.get(1).asText() : null;
      int[] wantIds = ints(item.get("input_ids"));
      int[] wantTypes = ints(item.get("token_type_ids"));
      ai.djl.huggingface.tokenizers.Encoding r = RustOracle.encode(rust, List.of(a), b == null ? null : List.of(b)).get(0);
      assertArrayEquals(wantIds, RustOracle.ints(r.getIds()), "Rust tokenizer vs reference.json for " + text);
      for (BertTokenizer ours : List.of(fromJson, fromVocab)) {
        Encoding e = ours.encode(a, b);
        assertArrayEquals(wantIds, e.inputIds(), ours + ": input_ids for " + text + ", tokens "
            + Arrays.toString(e.tokens()));
        assertArrayEquals(wantTypes, e.tokenTypeIds(), ours + ": token_type_ids for " + text);
      }
    }
  }

  @Test
  void loadersAgreeOnSettings() {
    assertEquals(fromJson.vocabSize(), fromVocab.vocabSize());
    assertEquals(30522, fromVocab.vocabSize());
    assertEquals(512, fromVocab.modelMaxLength());
    assertEquals(128, fromJson.modelMaxLength(), "tokenizer.json without tokenizer_config.json: its truncation.max_length");
    assertEquals(101, fromVocab.clsId());
    assertEquals(102, fromVocab.sepId());
    assertEquals(0, fromVocab.padId());
    assertEquals(100, fromVocab.unkId());
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static void compareIds(String a, String b, Encoding ours, ai.djl.huggingface.tokenizers.Encoding want,
      List<String> bad) {
    if (!Arrays.equals(RustOracle.ints(want.getIds()), ours.inputIds())
        || !Arrays.equals(RustOracle.ints(want.getTypeIds()), ours.tokenTypeIds())) {
      bad.add(RustOracle.escape(a) + (b == null ? "" : " || " + RustOracle.escape(b))
          + "\n    ours " + Arrays.toString(ours.tokens()) + " " + Arrays.toString(ours.tokenTypeIds())
          + "\n    rust " + Arrays.toString(want.getTokens()) + " " + Arrays.toString(want.getTypeIds()));
    }
  }

  private static void report(String what, List<String> bad) {
    if (!bad.isEmpty()) {
      StringBuilder sb = new StringBuilder(what + ": " + bad.size() + " mismatches; first ones:\n");
      bad.stream().limit(SHOW).forEach(s -> sb.append("  ").append(s).append('\n'));
      System.out.println(sb);
      fail(sb.toString());
    }
    System.out.println(what + ": all identical");
  }

  /** UTF-16 offsets → code point offsets (DJL's unit). */
  static int[][] toCodePointOffsets(String text, int[][] offsets) {
    int[][] r = new int[offsets.length][];
    for (int i = 0; i < offsets.length; i++) {
      int[] o = offsets[i];
      r[i] = new int[] {text.codePointCount(0, o[0]), text.codePointCount(0, o[1])};
    }
    return r;
  }

  private static int[] ints(JsonNode arr) {
    int[] r = new int[arr.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = arr.get(i).asInt();
    }
    return r;
  }
}
