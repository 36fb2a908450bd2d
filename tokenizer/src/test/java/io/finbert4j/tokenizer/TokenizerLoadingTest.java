package io.finbert4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading from vocab.txt / tokenizer_config.json / special_tokens_map.json / tokenizer.json, and its errors. */
class TokenizerLoadingTest {
  static final List<String> SMALL_VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world",
      ",", "!", "un", "##aff", "##able", "cafe", "Café", "[FOO]", "[", "]", "foo", "a", "b");

  @TempDir Path dir;

  static Path write(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  static Path vocab(Path dir, List<String> tokens) throws IOException {
    return write(dir.resolve("vocab.txt"), String.join("\n", tokens) + "\n");
  }

  @Test
  void missingVocabFileNamesTheFile() {
    Path missing = dir.resolve("vocab.txt");
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromVocab(missing, TokenizerConfig.defaults()));
    assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void emptyVocabFileNamesFileAndLine() throws IOException {
    Path v = write(dir.resolve("vocab.txt"), "");
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromVocab(v, TokenizerConfig.defaults()));
    assertEquals(v + ":1: vocabulary file is empty", e.getMessage());
  }

  @Test
  void duplicateEntryNamesFileAndBothLines() throws IOException {
    Path v = write(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\nhello\n[CLS]\nhello\n[SEP]\n");
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromVocab(v, TokenizerConfig.defaults()));
    assertEquals(v + ":5: duplicate vocabulary entry 'hello' (first on line 3)", e.getMessage());
  }

  @Test
  void emptyLineNamesFileAndLine() throws IOException {
    Path v = write(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\n\n[CLS]\n");
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromVocab(v, TokenizerConfig.defaults()));
    assertEquals(v + ":3: empty vocabulary entry", e.getMessage());
  }

  @Test
  void invalidUtf8VocabIsReported() throws IOException {
    Path v = dir.resolve("vocab.txt");
    Files.write(v, new byte[] {'[', 'P', 'A', 'D', ']', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromVocab(v, TokenizerConfig.defaults()));
    assertTrue(e.getMessage().startsWith(v + ": not valid UTF-8"), e.getMessage());
  }

  @Test
  void directoryWithoutTokenizerFilesIsNamed() {
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("vocab.txt")
        && e.getMessage().contains("tokenizer.json"), e.getMessage());
    TokenizerLoadException notDir = assertThrows(TokenizerLoadException.class,
        () -> BertTokenizer.fromDirectory(dir.resolve("nope")));
    assertTrue(notDir.getMessage().contains("nope"), notDir.getMessage());
  }

  @Test
  void crlfVocabLoadsLikeLf() throws IOException {
    Path v = write(dir.resolve("vocab.txt"), String.join("\r\n", SMALL_VOCAB) + "\r\n");
    BertTokenizer t = BertTokenizer.fromVocab(v, TokenizerConfig.defaults());
    assertEquals(SMALL_VOCAB.size(), t.vocabSize());
    assertEquals(5, t.tokenToId("hello"));
    assertEquals(List.of("hello", ",", "world", "!"), t.tokenize("Hello, WORLD!"));
  }

  @Test
  void missingConfigFilesTakeHfDefaults() throws IOException {
    vocab(dir, SMALL_VOCAB);
    BertTokenizer t = BertTokenizer.fromDirectory(dir);
    TokenizerConfig c = t.config();
    assertTrue(c.doLowerCase());
    assertNull(c.stripAccents());
    assertTrue(c.effectiveStripAccents(), "strip_accents null follows do_lower_case");
    assertTrue(c.tokenizeChineseChars());
    assertEquals(TokenizerConfig.NO_LIMIT, t.modelMaxLength());
    assertFalse(c.hasModelMaxLength());
    assertEquals(List.of(), List.copyOf(c.neverSplit()));
    assertEquals(2, t.clsId());
    assertEquals(3, t.sepId());
    assertEquals(0, t.padId());
    assertEquals(1, t.unkId());
  }

  @Test
  void tokenizerConfigAndSpecialTokensMapAreRead() throws IOException {
    vocab(dir, SMALL_VOCAB);
    write(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": false, \"strip_accents\": false,"
        + " \"tokenize_chinese_chars\": false, \"never_split\": [\"[FOO]\"], \"model_max_length\": 1e30,"
        + " \"clean_up_tokenization_spaces\": false, \"some_unknown_key\": 1}");
    write(dir.resolve("special_tokens_map.json"), "{\"unk_token\": {\"content\": \"[UNK]\", \"lstrip\": false},"
        + " \"cls_token\": \"[CLS]\", \"additional_special_tokens\": [\"foo\"]}");
    BertTokenizer t = BertTokenizer.fromDirectory(dir);
    TokenizerConfig c = t.config();
    assertFalse(c.doLowerCase());
    assertFalse(c.effectiveStripAccents());
    assertFalse(c.tokenizeChineseChars());
    assertFalse(c.cleanUpTokenizationSpaces());
    assertEquals(TokenizerConfig.NO_LIMIT, c.modelMaxLength(), "HF's VERY_LARGE_INTEGER means no limit");
    assertTrue(c.neverSplit().contains("[FOO]"));
    assertEquals(List.of("foo"), c.additionalSpecialTokens());
    // cased and accented: kept as is
    assertEquals(List.of("Café"), t.tokenize("Café"));
    // an additional special token is cut out even inside a word
    assertEquals(List.of("a", "foo", "b"), t.tokenize("afoob"));
  }

  @Test
  void badConfigValuesNameFileAndKey() throws IOException {
    vocab(dir, SMALL_VOCAB);
    Path cfg = write(dir.resolve("tokenizer_config.json"), "{\"do_lower_case\": \"yes\"}");
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromDirectory(dir));
    assertEquals(cfg + ": 'do_lower_case' must be true or false, got \"yes\"", e.getMessage());
    write(cfg, "{\"model_max_length\": -5}");
    e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("model_max_length"), e.getMessage());
    write(cfg, "{\"do_basic_tokenize\": false}");
    e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().contains("do_basic_tokenize"), e.getMessage());
    write(cfg, "{not json");
    e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromDirectory(dir));
    assertTrue(e.getMessage().startsWith(cfg + ": cannot read JSON"), e.getMessage());
  }

  @Test
  void specialTokenMissingFromVocabIsAppendedAsHfDoes() throws IOException {
    Path v = vocab(dir, List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello"));
    BertTokenizer t = BertTokenizer.fromVocab(v, TokenizerConfig.defaults());
    assertEquals(5, t.tokenToId("[MASK]"));
    assertEquals(6, t.vocabSize());
    assertEquals(5, t.encode("hello [MASK]").inputIds()[2]);
  }

  @Test
  void tokenizerJsonLoadsAndRejectsOtherModels() throws IOException {
    String json = "{\"normalizer\": {\"type\": \"BertNormalizer\", \"clean_text\": true, \"handle_chinese_chars\": true,"
        + " \"strip_accents\": null, \"lowercase\": true}, \"pre_tokenizer\": {\"type\": \"BertPreTokenizer\"},"
        + " \"added_tokens\": [{\"id\": 0, \"content\": \"[PAD]\", \"special\": true},"
        + " {\"id\": 3, \"content\": \"[SEP]\", \"special\": true}],"
        + " \"truncation\": {\"max_length\": 64},"
        + " \"model\": {\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\", \"continuing_subword_prefix\": \"##\","
        + " \"max_input_chars_per_word\": 100, \"vocab\": {\"[PAD]\": 0, \"[UNK]\": 1, \"[CLS]\": 2, \"[SEP]\": 3,"
        + " \"hello\": 4, \"##o\": 5, \"hell\": 6}}}";
    Path f = write(dir.resolve("tokenizer.json"), json);
    BertTokenizer t = BertTokenizer.fromDirectory(dir);
    assertEquals(64, t.modelMaxLength(), "truncation.max_length of tokenizer.json when no tokenizer_config.json");
    assertEquals(List.of("hello", "[SEP]", "hello", "##o", "##o"), t.tokenize("HELLO[SEP]hellooo"));
    write(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 32}");
    assertEquals(32, BertTokenizer.fromTokenizerJson(f).modelMaxLength());

    write(f, json.replace("\"WordPiece\"", "\"BPE\""));
    TokenizerLoadException e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromTokenizerJson(f));
    assertEquals(f + ": model.type must be WordPiece, got 'BPE'", e.getMessage());
    write(f, json.replace("\"hell\": 6", "\"hell\": 4"));
    e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromTokenizerJson(f));
    assertTrue(e.getMessage().contains("id 4"), e.getMessage());
    write(f, json.replace("BertPreTokenizer", "Whitespace"));
    e = assertThrows(TokenizerLoadException.class, () -> BertTokenizer.fromTokenizerJson(f));
    assertTrue(e.getMessage().contains("pre_tokenizer 'Whitespace'"), e.getMessage());
  }

  @Test
  void fixtureDirectoryLoads() {
    Path fixture = Path.of("..", "tests", "src", "test", "resources", "tiny-finbert");
    assertTrue(Files.isRegularFile(fixture.resolve("vocab.txt")), "fixture missing: " + fixture.toAbsolutePath());
    BertTokenizer t = BertTokenizer.fromDirectory(fixture);
    assertEquals(30522, t.vocabSize());
    assertEquals(512, t.modelMaxLength());
    // ids from tiny-finbert/reference.json (Hugging Face's tokenizer)
    assertEquals(List.of(101, 9779, 24759, 4518, 3976, 19547, 2044, 2501, 1011, 4911, 4341, 4481, 1012, 102),
        boxed(t.encode("AAPL stock price spikes after record-breaking sales figures.").inputIds()));
  }

  static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
