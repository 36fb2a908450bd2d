package io.finbert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A BERT WordPiece tokenizer equivalent to Hugging Face's {@code BertTokenizer} / {@code BertTokenizerFast}
 * (the Rust {@code tokenizers} pipeline: added tokens → {@code BertNormalizer} → {@code BertPreTokenizer} →
 * {@code WordPiece} → {@code [CLS] A [SEP] (B [SEP])}), written from scratch and checked id for id against
 * the Rust tokenizer by the parity tests.
 *
 * <p>Immutable and thread-safe: all tables are built at load time; each thread encodes into its own
 * scratch {@link Workspace}.
 *
 * <p>Offsets are UTF-16 char indices into the original string. Every normalized char remembers the
 * original code point it came from, so lower-casing and NFD accent stripping (which change lengths, e.g.
 * "İ" or a decomposed "é") keep exact offsets: a piece spans from the start of its first char's original
 * code point to the end of its last one's.
 */
public final class BertTokenizer {
  private static final String VOCAB_FILE = "vocab.txt";
  private static final String TOKENIZER_JSON = "tokenizer.json";
  private static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  /** Special tokens in a single sequence ({@code [CLS] A [SEP]}) and a pair ({@code [CLS] A [SEP] B [SEP]}). */
  private static final int SPECIALS_SINGLE = 2;
  private static final int SPECIALS_PAIR = 3;
  private static final int[] NO_OFFSET = {0, 0};

  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  private final TokenizerConfig config;
  private final String source;
  /** id → token; every id below {@link #idToToken}.length that has a token. */
  private final String[] idToToken;
  private final Map<String, Integer> tokenToId;
  /** Whether an id is an added special token (skipped by decode with skipSpecialTokens). */
  private final boolean[] special;
  private final BertNormalizer normalizer;
  private final AddedTokens addedTokens;
  private final WordPiece wordPiece;
  private final int clsId;
  private final int sepId;
  private final int padId;
  private final int unkId;
  private final boolean decodeCleanup;

  private BertTokenizer(
      TokenizerConfig config,
      Map<String, Integer> vocab,
      List<AddedTokens.Token> added,
      boolean decodeCleanup,
      String source) {
    this.config = config;
    this.source = source;
    this.decodeCleanup = decodeCleanup;
    Map<String, Integer> all = new HashMap<>(vocab);
    int maxId = -1;
    for (int id : vocab.values()) {
      maxId = Math.max(maxId, id);
    }
    for (AddedTokens.Token t : added) {
      if (!t.wholeWord()) {
        all.putIfAbsent(t.content(), t.id());
      }
      maxId = Math.max(maxId, t.id());
    }
    this.idToToken = new String[maxId + 1];
    for (Map.Entry<String, Integer> e : all.entrySet()) {
      idToToken[e.getValue()] = e.getKey();
    }
    this.tokenToId = Collections.unmodifiableMap(all);
    this.special = new boolean[maxId + 1];
    for (AddedTokens.Token t : added) {
      if (t.special()) {
        special[t.id()] = true;
      }
    }
    this.unkId = requireId(config.unkToken(), "unk_token");
    this.clsId = requireId(config.clsToken(), "cls_token");
    this.sepId = requireId(config.sepToken(), "sep_token");
    this.padId = requireId(config.padToken(), "pad_token");
    this.normalizer = BertNormalizer.of(config.cleanText(), config.tokenizeChineseChars(),
        config.effectiveStripAccents(), config.doLowerCase());
    this.addedTokens = new AddedTokens(added);
    this.wordPiece = new WordPiece(vocab, config.continuingSubwordPrefix(), unkId, config.maxInputCharsPerWord());
  }

  private int requireId(String token, String key) {
    Integer id = tokenToId.get(token);
    if (id == null) {
      throw new TokenizerLoadException(source + ": " + key + " '" + token + "' is not in the vocabulary");
    }
    return id;
  }

  // ------------------------------------------------------------------------------------------ loading

  /**
   * Loads a tokenizer from a model directory: {@code vocab.txt} with {@code tokenizer_config.json} and
   * {@code special_tokens_map.json} (both optional); without {@code vocab.txt}, {@code tokenizer.json}.
   *
   * @throws TokenizerLoadException naming the directory or file when nothing loadable is there or a file
   *     is malformed
   */
  public static BertTokenizer fromDirectory(Path dir) {
    Objects.requireNonNull(dir, "dir must not be null");
    if (!Files.isDirectory(dir)) {
      throw new TokenizerLoadException("tokenizer directory not found (or not a directory): " + dir);
    }
    Path vocab = dir.resolve(VOCAB_FILE);
    if (Files.isRegularFile(vocab)) {
      return fromVocab(vocab, TokenizerConfig.load(dir));
    }
    Path json = dir.resolve(TOKENIZER_JSON);
    if (Files.isRegularFile(json)) {
      return fromTokenizerJson(json);
    }
    throw new TokenizerLoadException(
        "no tokenizer in " + dir + ": expected " + VOCAB_FILE + " (with optional " + TOKENIZER_CONFIG + ") or "
            + TOKENIZER_JSON);
  }

  /**
   * Loads a WordPiece vocabulary file (one token per line, the line number minus one is its id) with the
   * given settings. The special tokens of {@code cfg} are kept whole wherever they appear; a special token
   * missing from the vocabulary is appended after it (as HF does); {@code never_split} words are kept whole.
   *
   * @throws TokenizerLoadException when the file is missing or empty, or a line is empty or a duplicate
   *     (the message names the file and the line)
   */
  public static BertTokenizer fromVocab(Path vocabTxt, TokenizerConfig cfg) {
    Objects.requireNonNull(vocabTxt, "vocabTxt must not be null");
    Objects.requireNonNull(cfg, "cfg must not be null");
    LinkedHashMap<String, Integer> vocab = readVocab(vocabTxt);
    List<String> specials = new ArrayList<>();
    for (String s : new String[] {cfg.unkToken(), cfg.sepToken(), cfg.padToken(), cfg.clsToken(), cfg.maskToken()}) {
      if (s != null && !specials.contains(s)) {
        specials.add(s);
      }
    }
    for (String s : cfg.additionalSpecialTokens()) {
      if (!specials.contains(s)) {
        specials.add(s);
      }
    }
    List<AddedTokens.Token> added = new ArrayList<>();
    Map<String, Integer> ids = new HashMap<>(vocab);
    for (String s : specials) {
      int id = ids.computeIfAbsent(s, k -> ids.size());
      added.add(new AddedTokens.Token(s, id, false, true));
    }
    int unk = ids.get(cfg.unkToken());
    for (String s : cfg.neverSplit()) {
      if (!specials.contains(s)) {
        // A never_split word that is not in the vocabulary stays whole and encodes as [UNK], as in HF.
        added.add(new AddedTokens.Token(s, vocab.getOrDefault(s, unk), true, false));
      }
    }
    return new BertTokenizer(cfg, vocab, added, cfg.cleanUpTokenizationSpaces(), vocabTxt.toString());
  }

  private static LinkedHashMap<String, Integer> readVocab(Path file) {
    LinkedHashMap<String, Integer> vocab = new LinkedHashMap<>();
    var decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      String line;
      int lineNo = 0;
      while ((line = r.readLine()) != null) {
        lineNo++;
        // Lines end at \n, \r\n or \r, as Python's universal-newline readlines() that HF uses.
        if (line.isEmpty()) {
          throw new TokenizerLoadException(file + ":" + lineNo + ": empty vocabulary entry");
        }
        Integer prev = vocab.putIfAbsent(line, lineNo - 1);
        if (prev != null) {
          throw new TokenizerLoadException(file + ":" + lineNo + ": duplicate vocabulary entry '" + line
              + "' (first on line " + (prev + 1) + ")");
        }
      }
    } catch (NoSuchFileException e) {
      throw new TokenizerLoadException("vocabulary file not found: " + file, e);
    } catch (CharacterCodingException e) {
      throw new TokenizerLoadException(file + ": not valid UTF-8 (" + e + ")", e);
    } catch (IOException e) {
      throw new TokenizerLoadException(file + ": cannot read vocabulary: " + e.getMessage(), e);
    }
    if (vocab.isEmpty()) {
      throw new TokenizerLoadException(file + ":1: vocabulary file is empty");
    }
    return vocab;
  }

  /**
   * Loads a Hugging Face fast-tokenizer file ({@code tokenizer.json}) with a WordPiece model, a
   * BertNormalizer (or none) and a BertPreTokenizer. {@code model_max_length} comes from a
   * {@code tokenizer_config.json} next to it, else from the file's own {@code truncation.max_length}, else
   * there is no limit. Added tokens are matched in the original text (their {@code single_word},
   * {@code lstrip}, {@code rstrip} and {@code normalized} flags are not supported and rejected when set).
   */
  public static BertTokenizer fromTokenizerJson(Path file) {
    Objects.requireNonNull(file, "file must not be null");
    if (!Files.isRegularFile(file)) {
      throw new TokenizerLoadException("tokenizer file not found: " + file);
    }
    JsonNode root = TokenizerConfig.readJson(file);
    JsonNode model = root.path("model");
    String type = model.path("type").asText("");
    if (!"WordPiece".equals(type) && !(type.isEmpty() && model.has("continuing_subword_prefix"))) {
      throw new TokenizerLoadException(file + ": model.type must be WordPiece, got '" + type + "'");
    }
    JsonNode vocabNode = model.get("vocab");
    if (vocabNode == null || !vocabNode.isObject() || vocabNode.isEmpty()) {
      throw new TokenizerLoadException(file + ": model.vocab must be a non-empty object of token → id");
    }
    LinkedHashMap<String, Integer> vocab = new LinkedHashMap<>();
    Map<Integer, String> seenIds = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 0) {
        throw new TokenizerLoadException(file + ": model.vocab['" + e.getKey() + "'] must be a non-negative id");
      }
      int id = e.getValue().asInt();
      String prev = seenIds.put(id, e.getKey());
      if (prev != null) {
        throw new TokenizerLoadException(file + ": model.vocab gives id " + id + " to both '" + prev + "' and '"
            + e.getKey() + "'");
      }
      vocab.put(e.getKey(), id);
    }

    TokenizerConfig.Builder b = TokenizerConfig.builder();
    b.unkToken(model.path("unk_token").asText("[UNK]"));
    b.continuingSubwordPrefix(model.path("continuing_subword_prefix").asText("##"));
    b.maxInputCharsPerWord(model.path("max_input_chars_per_word").asInt(TokenizerConfig.DEFAULT_MAX_INPUT_CHARS_PER_WORD));

    JsonNode norm = root.get("normalizer");
    if (norm == null || norm.isNull()) {
      b.cleanText(false).tokenizeChineseChars(false).doLowerCase(false).stripAccents(false);
    } else if ("BertNormalizer".equals(norm.path("type").asText())) {
      b.cleanText(norm.path("clean_text").asBoolean(true));
      b.tokenizeChineseChars(norm.path("handle_chinese_chars").asBoolean(true));
      b.doLowerCase(norm.path("lowercase").asBoolean(true));
      JsonNode sa = norm.get("strip_accents");
      b.stripAccents(sa == null || sa.isNull() ? null : sa.asBoolean());
    } else {
      throw new TokenizerLoadException(file + ": unsupported normalizer type '" + norm.path("type").asText()
          + "' (only BertNormalizer)");
    }
    JsonNode pre = root.get("pre_tokenizer");
    if (pre == null || !"BertPreTokenizer".equals(pre.path("type").asText())) {
      throw new TokenizerLoadException(file + ": unsupported pre_tokenizer "
          + (pre == null ? "null" : "'" + pre.path("type").asText() + "'") + " (only BertPreTokenizer)");
    }

    // Special tokens of the post-processor: [CLS] and [SEP].
    JsonNode post = root.get("post_processor");
    if (post != null && !post.isNull()) {
      String pt = post.path("type").asText();
      if ("BertProcessing".equals(pt)) {
        b.clsToken(post.path("cls").path(0).asText("[CLS]"));
        b.sepToken(post.path("sep").path(0).asText("[SEP]"));
      } else if ("TemplateProcessing".equals(pt)) {
        List<String> single = new ArrayList<>();
        for (JsonNode piece : post.path("single")) {
          if (piece.has("SpecialToken")) {
            single.add(piece.path("SpecialToken").path("id").asText());
          }
        }
        if (single.size() != SPECIALS_SINGLE) {
          throw new TokenizerLoadException(file + ": post_processor template must be [CLS] $A [SEP], got "
              + post.path("single"));
        }
        b.clsToken(single.get(0));
        b.sepToken(single.get(1));
      } else {
        throw new TokenizerLoadException(file + ": unsupported post_processor type '" + pt + "'");
      }
    }
    JsonNode padding = root.get("padding");
    if (padding != null && padding.hasNonNull("pad_token")) {
      b.padToken(padding.get("pad_token").asText());
    }
    JsonNode decoder = root.get("decoder");
    boolean cleanup = decoder == null || decoder.isNull() || decoder.path("cleanup").asBoolean(true);
    b.cleanUpTokenizationSpaces(cleanup);

    List<AddedTokens.Token> added = new ArrayList<>();
    List<String> addedNames = new ArrayList<>();
    for (JsonNode t : root.path("added_tokens")) {
      String content = t.path("content").asText(null);
      if (content == null || !t.path("id").canConvertToInt()) {
        throw new TokenizerLoadException(file + ": added_tokens entry without content/id: " + t);
      }
      boolean spec = t.path("special").asBoolean(false);
      if (t.path("single_word").asBoolean(false) || t.path("lstrip").asBoolean(false)
          || t.path("rstrip").asBoolean(false) || (!spec && t.path("normalized").asBoolean(false))) {
        throw new TokenizerLoadException(file + ": added token '" + content
            + "' uses single_word/lstrip/rstrip/normalized, which this tokenizer does not support");
      }
      added.add(new AddedTokens.Token(content, t.get("id").asInt(), false, spec));
      addedNames.add(content);
    }
    addedNames.removeIf(s -> s.equals("[UNK]") || s.equals("[CLS]") || s.equals("[SEP]")
        || s.equals("[PAD]") || s.equals("[MASK]"));
    b.additionalSpecialTokens(addedNames);

    Path cfgFile = file.resolveSibling(TOKENIZER_CONFIG);
    JsonNode trunc = root.get("truncation");
    if (Files.isRegularFile(cfgFile) && TokenizerConfig.readJson(cfgFile).hasNonNull("model_max_length")) {
      b.modelMaxLength(TokenizerConfig.load(file.toAbsolutePath().getParent()).modelMaxLength());
    } else if (trunc != null && trunc.path("max_length").canConvertToInt() && trunc.path("max_length").asInt() > 0) {
      b.modelMaxLength(trunc.path("max_length").asInt());
    }
    return new BertTokenizer(b.build(), vocab, added, cleanup, file.toString());
  }

  // ------------------------------------------------------------------------------------------ accessors

  /** {@code model_max_length}, or {@link TokenizerConfig#NO_LIMIT} when the configuration sets none. */
  public int modelMaxLength() {
    return config.modelMaxLength();
  }

  /** Number of ids (vocabulary plus added tokens): the size a word-embedding matrix must have at least. */
  public int vocabSize() {
    return idToToken.length;
  }

  public int padId() {
    return padId;
  }

  public int clsId() {
    return clsId;
  }

  public int sepId() {
    return sepId;
  }

  public int unkId() {
    return unkId;
  }

  /** The token of an id. @throws IllegalArgumentException for an id with no token */
  public String idToToken(int id) {
    if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
      throw new IllegalArgumentException("no token with id " + id + " (vocabulary size " + idToToken.length + ")");
    }
    return idToToken[id];
  }

  /** The id of a token, or -1 when it is not in the vocabulary. */
  public int tokenToId(String token) {
    Integer id = tokenToId.get(Objects.requireNonNull(token, "token must not be null"));
    return id == null ? -1 : id;
  }

  public TokenizerConfig config() {
    return config;
  }

  // ------------------------------------------------------------------------------------------ tokenize

  /** The word pieces of a text, without special tokens and without truncation. */
  public List<String> tokenize(String text) {
    Objects.requireNonNull(text, "text must not be null");
    Workspace ws = WORKSPACE.get();
    ws.reset();
    pieces(text, ws);
    String[] out = new String[ws.count];
    for (int i = 0; i < ws.count; i++) {
      out[i] = idToToken[ws.ids[i]];
    }
    return Arrays.asList(out);
  }

  /**
   * Appends the word pieces of {@code text} to ws: added tokens are cut out of the original text first,
   * each remaining segment is normalized, pre-tokenized (whitespace split, punctuation isolated) and
   * segmented by WordPiece.
   */
  private void pieces(String text, Workspace ws) {
    int len = text.length();
    if (addedTokens.isEmpty()) {
      segment(text, 0, len, ws);
      return;
    }
    int segStart = 0;
    int i = 0;
    while (i < len) {
      AddedTokens.Token t = addedTokens.matchAt(text, i, len);
      if (t == null) {
        i++;
        continue;
      }
      segment(text, segStart, i, ws);
      ws.addPiece(t.id(), i, i + t.content().length());
      i += t.content().length();
      segStart = i;
    }
    segment(text, segStart, len, ws);
  }

  /** Normalizes, pre-tokenizes and WordPiece-segments {@code text[from, to)} (no added tokens inside). */
  private void segment(String text, int from, int to, Workspace ws) {
    if (from >= to) {
      return;
    }
    ws.normLen = 0;
    normalizer.normalize(text, from, to, ws);
    char[] buf = ws.norm;
    int n = ws.normLen;
    byte[] classes = UnicodeClasses.BMP_CLASS;
    int wordStart = -1;
    int j = 0;
    while (j < n) {
      char c = buf[j];
      int cpLen = 1;
      byte cls;
      if (Character.isHighSurrogate(c) && j + 1 < n && Character.isLowSurrogate(buf[j + 1])) {
        cls = UnicodeClasses.preTokenizerClass(Character.toCodePoint(c, buf[j + 1]));
        cpLen = 2;
      } else {
        cls = classes[c];
      }
      if (cls == UnicodeClasses.WORD) {
        if (wordStart < 0) {
          wordStart = j;
        }
      } else {
        if (wordStart >= 0) {
          wordPiece.tokenize(ws, wordStart, j);
          wordStart = -1;
        }
        if (cls == UnicodeClasses.PUNCT) {
          wordPiece.tokenize(ws, j, j + cpLen);
        }
      }
      j += cpLen;
    }
    if (wordStart >= 0) {
      wordPiece.tokenize(ws, wordStart, n);
    }
  }

  // ------------------------------------------------------------------------------------------ encode

  /** Encodes one text with {@link EncodeOptions#DEFAULT} ({@code [CLS] text [SEP]}, truncated to model_max_length). */
  public Encoding encode(String text) {
    return encode(text, null, EncodeOptions.DEFAULT);
  }

  /** Encodes a text and an optional second text ({@code textPair} may be null) with {@link EncodeOptions#DEFAULT}. */
  public Encoding encode(String text, String textPair) {
    return encode(text, textPair, EncodeOptions.DEFAULT);
  }

  /**
   * Encodes {@code [CLS] text [SEP]} or, with a pair, {@code [CLS] text [SEP] textPair [SEP]} (token type
   * 0 up to the first {@code [SEP]}, 1 after). Truncation removes word pieces from the end; for a pair
   * it follows Hugging Face's {@code longest_first} as the Rust tokenizer implements it (each sequence
   * keeps what the other leaves, shares split evenly when both are too long).
   *
   * @throws NullPointerException when {@code text} or {@code opts} is null
   * @throws IllegalArgumentException when the max length cannot even hold the special tokens, or
   *     {@code MAX_LENGTH} padding is asked without a finite max length
   */
  public Encoding encode(String text, String textPair, EncodeOptions opts) {
    Objects.requireNonNull(text, "text must not be null");
    Objects.requireNonNull(opts, "opts must not be null");
    Workspace ws = WORKSPACE.get();
    ws.reset();
    pieces(text, ws);
    int na = ws.count;
    int nb = 0;
    if (textPair != null) {
      pieces(textPair, ws);
      nb = ws.count - na;
    }
    boolean pair = textPair != null;
    int limit = effectiveMaxLength(opts);
    int specials = pair ? SPECIALS_PAIR : SPECIALS_SINGLE;
    int keepA = na;
    int keepB = nb;
    if (opts.truncation() && limit != TokenizerConfig.NO_LIMIT && na + nb + specials > limit) {
      if (limit < specials) {
        throw new IllegalArgumentException("max length " + limit + " cannot hold the " + specials
            + " special tokens of a " + (pair ? "pair" : "single text"));
      }
      int budget = limit - specials;
      if (!pair) {
        keepA = budget;
      } else {
        int[] keep = longestFirst(na, nb, budget);
        keepA = keep[0];
        keepB = keep[1];
      }
    }
    int length = keepA + keepB + specials;
    int total = length;
    if (opts.padding() == EncodeOptions.Padding.MAX_LENGTH) {
      if (limit == TokenizerConfig.NO_LIMIT) {
        throw new IllegalArgumentException("padding to max length needs a max length: the tokenizer has no "
            + "model_max_length, so set EncodeOptions.maxLength");
      }
      total = Math.max(length, limit);
    }
    int[] ids = new int[total];
    int[] types = new int[total];
    int[] mask = new int[total];
    String[] tokens = new String[total];
    int[][] offsets = new int[total][];
    int p = 0;
    p = putSpecial(clsId, 0, ids, types, tokens, offsets, p);
    p = putPieces(ws, 0, keepA, 0, ids, types, tokens, offsets, p);
    p = putSpecial(sepId, 0, ids, types, tokens, offsets, p);
    if (pair) {
      p = putPieces(ws, na, keepB, 1, ids, types, tokens, offsets, p);
      p = putSpecial(sepId, 1, ids, types, tokens, offsets, p);
    }
    Arrays.fill(mask, 0, p, 1);
    fillPadding(ids, types, tokens, offsets, p, total);
    return new Encoding(ids, types, mask, tokens, offsets, (na - keepA) + (nb - keepB));
  }

  /**
   * The Rust tokenizers' {@code LongestFirst} split of {@code budget} pieces between sequences of
   * {@code n1} and {@code n2} pieces: {@code {keep1, keep2}}.
   */
  static int[] longestFirst(int n1, int n2, int budget) {
    boolean swap = n1 > n2;
    int shortLen = swap ? n2 : n1;
    int longLen;
    // The shorter keeps everything it can; the longer takes the rest, but never less than the shorter.
    if (shortLen > budget) {
      longLen = shortLen;
    } else {
      longLen = Math.max(shortLen, budget - shortLen);
    }
    if (shortLen + longLen > budget) {
      shortLen = budget / 2;
      longLen = shortLen + budget % 2;
    }
    int k1 = swap ? longLen : shortLen;
    int k2 = swap ? shortLen : longLen;
    return new int[] {Math.min(n1, k1), Math.min(n2, k2)};
  }

  private int putSpecial(int id, int type, int[] ids, int[] types, String[] tokens, int[][] offsets, int p) {
    ids[p] = id;
    types[p] = type;
    tokens[p] = idToToken[id];
    offsets[p] = NO_OFFSET.clone();
    return p + 1;
  }

  private int putPieces(Workspace ws, int from, int count, int type, int[] ids, int[] types, String[] tokens,
      int[][] offsets, int p) {
    for (int k = from; k < from + count; k++) {
      int id = ws.ids[k];
      ids[p] = id;
      types[p] = type;
      tokens[p] = idToToken[id];
      offsets[p] = new int[] {ws.starts[k], ws.ends[k]};
      p++;
    }
    return p;
  }

  private void fillPadding(int[] ids, int[] types, String[] tokens, int[][] offsets, int from, int to) {
    String padToken = idToToken[padId];
    for (int k = from; k < to; k++) {
      ids[k] = padId;
      types[k] = 0;
      tokens[k] = padToken;
      offsets[k] = NO_OFFSET.clone();
    }
  }

  private int effectiveMaxLength(EncodeOptions opts) {
    return opts.maxLength() > 0 ? opts.maxLength() : config.modelMaxLength();
  }

  /**
   * Encodes a batch: {@code pairs} is null or has one (nullable) second text per text. With
   * {@link EncodeOptions.Padding#LONGEST} every encoding is padded to the longest of the batch.
   */
  public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodeOptions opts) {
    Objects.requireNonNull(texts, "texts must not be null");
    Objects.requireNonNull(opts, "opts must not be null");
    if (pairs != null && pairs.size() != texts.size()) {
      throw new IllegalArgumentException("pairs has " + pairs.size() + " entries but texts has " + texts.size());
    }
    EncodeOptions each = opts.padding() == EncodeOptions.Padding.LONGEST ? opts.withPadding(EncodeOptions.Padding.NONE) : opts;
    List<Encoding> out = new ArrayList<>(texts.size());
    int longest = 0;
    for (int i = 0; i < texts.size(); i++) {
      String t = texts.get(i);
      if (t == null) {
        throw new NullPointerException("texts[" + i + "] is null");
      }
      Encoding e = encode(t, pairs == null ? null : pairs.get(i), each);
      out.add(e);
      longest = Math.max(longest, e.length());
    }
    if (opts.padding() == EncodeOptions.Padding.LONGEST) {
      for (int i = 0; i < out.size(); i++) {
        out.set(i, pad(out.get(i), longest));
      }
    }
    return Collections.unmodifiableList(out);
  }

  private Encoding pad(Encoding e, int target) {
    int n = e.length();
    if (n >= target) {
      return e;
    }
    int[] ids = Arrays.copyOf(e.inputIds(), target);
    int[] types = Arrays.copyOf(e.tokenTypeIds(), target);
    int[] mask = Arrays.copyOf(e.attentionMask(), target);
    String[] tokens = Arrays.copyOf(e.tokens(), target);
    int[][] offsets = Arrays.copyOf(e.offsets(), target);
    fillPadding(ids, types, tokens, offsets, n, target);
    return new Encoding(ids, types, mask, tokens, offsets, e.numTruncated());
  }

  // ------------------------------------------------------------------------------------------ decode

  /**
   * Turns ids back into text as Hugging Face's Rust WordPiece decoder does: the first token as is, then
   * each {@code ##} piece glued to the previous one and every other token after a space; with
   * {@code clean_up_tokenization_spaces} each token then has " ." → ".", " ?" → "?", " !" → "!", " ," → ",",
   * " ' " → "'", " n't" → "n't", " 'm" → "'m", " do not" → " don't", " 's" → "'s", " 've" → "'ve",
   * " 're" → "'re" applied.
   *
   * @param skipSpecialTokens drop added special tokens ({@code [CLS]}, {@code [SEP]}, {@code [PAD]}, ...)
   * @throws IllegalArgumentException for an id that has no token
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    Objects.requireNonNull(ids, "ids must not be null");
    StringBuilder sb = new StringBuilder(ids.length * 4);
    String prefix = config.continuingSubwordPrefix();
    int emitted = 0;
    for (int k = 0; k < ids.length; k++) {
      int id = ids[k];
      if (id < 0 || id >= idToToken.length || idToToken[id] == null) {
        throw new IllegalArgumentException("ids[" + k + "] = " + id + " has no token (vocabulary size "
            + idToToken.length + ")");
      }
      if (skipSpecialTokens && special[id]) {
        continue;
      }
      String token = idToToken[id];
      String piece;
      if (emitted == 0) {
        piece = token;
      } else if (token.startsWith(prefix)) {
        piece = token.substring(prefix.length());
      } else {
        piece = " " + token;
      }
      sb.append(decodeCleanup ? cleanup(piece) : piece);
      emitted++;
    }
    return sb.toString();
  }

  /** HF's {@code clean_up_tokenization} replacements, in HF's order. */
  private static String cleanup(String s) {
    if (s.indexOf(' ') < 0) {
      return s;
    }
    return s.replace(" .", ".")
        .replace(" ?", "?")
        .replace(" !", "!")
        .replace(" ,", ",")
        .replace(" ' ", "'")
        .replace(" n't", "n't")
        .replace(" 'm", "'m")
        .replace(" do not", " don't")
        .replace(" 's", "'s")
        .replace(" 've", "'ve")
        .replace(" 're", "'re");
  }

  @Override
  public String toString() {
    return "BertTokenizer{source=" + source + ", vocabSize=" + idToToken.length + ", lowerCase="
        + config.doLowerCase() + ", modelMaxLength=" + config.modelMaxLength() + "}";
  }
}
