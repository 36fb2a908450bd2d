package io.finbert4j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a BERT tokenizer, as Hugging Face's {@code tokenizer_config.json} and
 * {@code special_tokens_map.json} hold them. Missing keys take the defaults of Hugging Face's
 * {@code BertTokenizer}.
 *
 * @param doLowerCase {@code do_lower_case} (default true)
 * @param stripAccents {@code strip_accents}; {@code null} (the default) follows {@code doLowerCase}, as in HF
 * @param tokenizeChineseChars {@code tokenize_chinese_chars} (default true): spaces around CJK ideographs
 * @param cleanText drop NUL / U+FFFD / control characters and map whitespace to spaces (always true for
 *     {@code tokenizer_config.json}; {@code clean_text} of a {@code tokenizer.json} BertNormalizer)
 * @param neverSplit {@code never_split}: words (delimited by whitespace) kept whole, not lower-cased
 * @param modelMaxLength {@code model_max_length}; {@link #NO_LIMIT} when absent (HF then uses a huge
 *     sentinel, {@code VERY_LARGE_INTEGER}): the tokenizer then sets no limit and callers combine it with
 *     the model's {@code max_position_embeddings}
 * @param unkToken {@code unk_token} (default {@code [UNK]})
 * @param sepToken {@code sep_token} (default {@code [SEP]})
 * @param padToken {@code pad_token} (default {@code [PAD]})
 * @param clsToken {@code cls_token} (default {@code [CLS]})
 * @param maskToken {@code mask_token} (default {@code [MASK]})
 * @param additionalSpecialTokens {@code additional_special_tokens} (kept whole wherever they appear)
 * @param cleanUpTokenizationSpaces {@code clean_up_tokenization_spaces} used by decode (default true)
 * @param maxInputCharsPerWord longer words (in code points) become {@code [UNK]} (100, as HF)
 * @param continuingSubwordPrefix the WordPiece continuation prefix ({@code ##})
 */
public record TokenizerConfig(
    boolean doLowerCase,
    Boolean stripAccents,
    boolean tokenizeChineseChars,
    boolean cleanText,
    Set<String> neverSplit,
    int modelMaxLength,
    String unkToken,
    String sepToken,
    String padToken,
    String clsToken,
    String maskToken,
    List<String> additionalSpecialTokens,
    boolean cleanUpTokenizationSpaces,
    int maxInputCharsPerWord,
    String continuingSubwordPrefix) {

  /** {@link #modelMaxLength()} when the configuration sets no limit. */
  public static final int NO_LIMIT = Integer.MAX_VALUE;
  /** HF's {@code max_input_chars_per_word} for WordPiece. */
  public static final int DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  public TokenizerConfig {
    neverSplit = Set.copyOf(neverSplit == null ? Set.of() : neverSplit);
    additionalSpecialTokens = List.copyOf(additionalSpecialTokens == null ? List.of() : additionalSpecialTokens);
    requireToken("unk_token", unkToken);
    requireToken("sep_token", sepToken);
    requireToken("pad_token", padToken);
    requireToken("cls_token", clsToken);
    requireToken("continuing_subword_prefix", continuingSubwordPrefix);
    if (modelMaxLength <= 0) {
      throw new IllegalArgumentException("model_max_length must be positive, got " + modelMaxLength);
    }
    if (maxInputCharsPerWord <= 0) {
      throw new IllegalArgumentException("max_input_chars_per_word must be positive, got " + maxInputCharsPerWord);
    }
  }

  private static void requireToken(String key, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(key + " must be a non-empty string");
    }
  }

  /** HF {@code BertTokenizer} defaults (lower-casing, bert-base-uncased special tokens, no length limit). */
  public static TokenizerConfig defaults() {
    return builder().build();
  }

  /** Whether accents are stripped: {@code strip_accents}, or {@code do_lower_case} when it is null. */
  public boolean effectiveStripAccents() {
    return stripAccents == null ? doLowerCase : stripAccents;
  }

  /** Whether {@link #modelMaxLength()} is a real limit. */
  public boolean hasModelMaxLength() {
    return modelMaxLength != NO_LIMIT;
  }

  /**
   * Reads {@code tokenizer_config.json} and {@code special_tokens_map.json} from a model directory; each
   * file is optional (missing keys and files take HF's defaults).
   */
  public static TokenizerConfig load(Path modelDir) {
    Builder b = builder();
    Path special = modelDir.resolve("special_tokens_map.json");
    if (Files.isRegularFile(special)) {
      b.applySpecialTokens(readJson(special), special);
    }
    Path cfg = modelDir.resolve("tokenizer_config.json");
    if (Files.isRegularFile(cfg)) {
      b.applyTokenizerConfig(readJson(cfg), cfg);
    }
    return b.build();
  }

  static JsonNode readJson(Path file) {
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || !n.isObject()) {
        throw new TokenizerLoadException(file + ": expected a JSON object at the top level");
      }
      return n;
    } catch (IOException e) {
      throw new TokenizerLoadException(file + ": cannot read JSON: " + e.getMessage(), e);
    }
  }

  /** A token given either as a string or as an AddedToken object {@code {"content": ...}}. */
  static String tokenContent(JsonNode n, Path file, String key) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isTextual()) {
      return n.asText();
    }
    if (n.isObject() && n.path("content").isTextual()) {
      return n.get("content").asText();
    }
    throw new TokenizerLoadException(file + ": '" + key + "' must be a string or an object with 'content', got " + n);
  }

  /** Builder starting from HF's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.doLowerCase = doLowerCase;
    b.stripAccents = stripAccents;
    b.tokenizeChineseChars = tokenizeChineseChars;
    b.cleanText = cleanText;
    b.neverSplit = new LinkedHashSet<>(neverSplit);
    b.modelMaxLength = modelMaxLength;
    b.unkToken = unkToken;
    b.sepToken = sepToken;
    b.padToken = padToken;
    b.clsToken = clsToken;
    b.maskToken = maskToken;
    b.additionalSpecialTokens = new ArrayList<>(additionalSpecialTokens);
    b.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
    b.maxInputCharsPerWord = maxInputCharsPerWord;
    b.continuingSubwordPrefix = continuingSubwordPrefix;
    return b;
  }

  /** Mutable builder for {@link TokenizerConfig}. */
  public static final class Builder {
    private boolean doLowerCase = true;
    private Boolean stripAccents;
    private boolean tokenizeChineseChars = true;
    private boolean cleanText = true;
    private Set<String> neverSplit = new LinkedHashSet<>();
    private int modelMaxLength = NO_LIMIT;
    private String unkToken = "[UNK]";
    private String sepToken = "[SEP]";
    private String padToken = "[PAD]";
    private String clsToken = "[CLS]";
    private String maskToken = "[MASK]";
    private List<String> additionalSpecialTokens = new ArrayList<>();
    private boolean cleanUpTokenizationSpaces = true;
    private int maxInputCharsPerWord = DEFAULT_MAX_INPUT_CHARS_PER_WORD;
    private String continuingSubwordPrefix = "##";

    public Builder doLowerCase(boolean v) { doLowerCase = v; return this; }
    public Builder stripAccents(Boolean v) { stripAccents = v; return this; }
    public Builder tokenizeChineseChars(boolean v) { tokenizeChineseChars = v; return this; }
    public Builder cleanText(boolean v) { cleanText = v; return this; }
    public Builder neverSplit(Set<String> v) { neverSplit = new LinkedHashSet<>(v); return this; }
    public Builder modelMaxLength(int v) { modelMaxLength = v; return this; }
    public Builder unkToken(String v) { unkToken = v; return this; }
    public Builder sepToken(String v) { sepToken = v; return this; }
    public Builder padToken(String v) { padToken = v; return this; }
    public Builder clsToken(String v) { clsToken = v; return this; }
    public Builder maskToken(String v) { maskToken = v; return this; }
    public Builder additionalSpecialTokens(List<String> v) { additionalSpecialTokens = new ArrayList<>(v); return this; }
    public Builder cleanUpTokenizationSpaces(boolean v) { cleanUpTokenizationSpaces = v; return this; }
    public Builder maxInputCharsPerWord(int v) { maxInputCharsPerWord = v; return this; }
    public Builder continuingSubwordPrefix(String v) { continuingSubwordPrefix = v; return this; }

    public TokenizerConfig build() {
      return new TokenizerConfig(doLowerCase, stripAccents, tokenizeChineseChars, cleanText, neverSplit,
          modelMaxLength, unkToken, sepToken, padToken, clsToken, maskToken, additionalSpecialTokens,
          cleanUpTokenizationSpaces, maxInputCharsPerWord, continuingSubwordPrefix);
    }

    void applySpecialTokens(JsonNode root, Path file) {
      String v;
      if ((v = tokenContent(root.get("unk_token"), file, "unk_token")) != null) unkToken = v;
      if ((v = tokenContent(root.get("sep_token"), file, "sep_token")) != null) sepToken = v;
      if ((v = tokenContent(root.get("pad_token"), file, "pad_token")) != null) padToken = v;
      if ((v = tokenContent(root.get("cls_token"), file, "cls_token")) != null) clsToken = v;
      if ((v = tokenContent(root.get("mask_token"), file, "mask_token")) != null) maskToken = v;
      JsonNode extra = root.get("additional_special_tokens");
      if (extra != null && !extra.isNull()) {
        if (!extra.isArray()) {
          throw new TokenizerLoadException(file + ": 'additional_special_tokens' must be an array");
        }
        for (JsonNode t : extra) {
          String s = tokenContent(t, file, "additional_special_tokens");
          if (s != null && !additionalSpecialTokens.contains(s)) {
            additionalSpecialTokens.add(s);
          }
        }
      }
    }

    void applyTokenizerConfig(JsonNode root, Path file) {
      applySpecialTokens(root, file);
      doLowerCase = bool(root, "do_lower_case", doLowerCase, file);
      if (!bool(root, "do_basic_tokenize", true, file)) {
        throw new TokenizerLoadException(file + ": 'do_basic_tokenize': false is not supported (WordPiece "
            + "without the basic tokenizer's cleanup, lower-casing and punctuation split)");
      }
      JsonNode sa = root.get("strip_accents");
      if (sa != null) {
        if (sa.isNull()) {
          stripAccents = null;
        } else if (sa.isBoolean()) {
          stripAccents = sa.asBoolean();
        } else {
          throw new TokenizerLoadException(file + ": 'strip_accents' must be true, false or null, got " + sa);
        }
      }
      tokenizeChineseChars = bool(root, "tokenize_chinese_chars", tokenizeChineseChars, file);
      cleanUpTokenizationSpaces = bool(root, "clean_up_tokenization_spaces", cleanUpTokenizationSpaces, file);
      JsonNode ns = root.get("never_split");
      if (ns != null && !ns.isNull()) {
        if (!ns.isArray()) {
          throw new TokenizerLoadException(file + ": 'never_split' must be an array of strings or null");
        }
        for (JsonNode t : ns) {
          if (!t.isTextual()) {
            throw new TokenizerLoadException(file + ": 'never_split' entries must be strings, got " + t);
          }
          neverSplit.add(t.asText());
        }
      }
      JsonNode mml = root.get("model_max_length");
      if (mml != null && !mml.isNull()) {
        modelMaxLength = parseMaxLength(mml, file);
      }
      // Newer transformers versions list the added tokens with their ids; special ones are kept whole.
      JsonNode decoder = root.get("added_tokens_decoder");
      if (decoder != null && decoder.isObject()) {
        for (Iterator<Map.Entry<String, JsonNode>> it = decoder.fields(); it.hasNext(); ) {
          JsonNode t = it.next().getValue();
          String s = tokenContent(t, file, "added_tokens_decoder");
          if (s != null && t.path("special").asBoolean(false) && !isNamedSpecial(s)
              && !additionalSpecialTokens.contains(s)) {
            additionalSpecialTokens.add(s);
          }
        }
      }
    }

    private boolean isNamedSpecial(String s) {
      return s.equals(unkToken) || s.equals(sepToken) || s.equals(padToken) || s.equals(clsToken)
          || s.equals(maskToken);
    }

    private static boolean bool(JsonNode root, String key, boolean def, Path file) {
      JsonNode n = root.get(key);
      if (n == null || n.isNull()) {
        return def;
      }
      if (!n.isBoolean()) {
        throw new TokenizerLoadException(file + ": '" + key + "' must be true or false, got " + n);
      }
      return n.asBoolean();
    }

    private static int parseMaxLength(JsonNode n, Path file) {
      if (!n.isNumber()) {
        throw new TokenizerLoadException(file + ": 'model_max_length' must be a number, got " + n);
      }
      double d = n.asDouble();
      if (d <= 0) {
        throw new TokenizerLoadException(file + ": 'model_max_length' must be positive, got " + n);
      }
      // HF writes VERY_LARGE_INTEGER (1e30) for "no limit".
      return d >= NO_LIMIT ? NO_LIMIT : (int) d;
    }
  }
}
