package io.finbert4j.cli.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Derives the slow-tokenizer files of an HF BERT model directory ({@code vocab.txt}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}) from a fast-tokenizer {@code tokenizer.json} (HF {@code tokenizers} format with a
 * {@code WordPiece} model and a {@code BertNormalizer}).
 *
 * <p>{@code vocab.txt} lists the tokens in id order (line i = id i), so ids must be contiguous from 0; added tokens
 * (the specials) are merged in by id.
 */
public final class HfTokenizerFiles {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What a BERT tokenizer.json says, reduced to the fields the slow-tokenizer files carry. */
  public record Derived(
      List<String> vocab,
      boolean doLowerCase,
      Boolean stripAccents,
      boolean tokenizeChineseChars,
      String unkToken,
      String clsToken,
      String sepToken,
      String padToken,
      String maskToken,
      int padTokenId) {}

  private HfTokenizerFiles() {}

  /** Reads a BERT {@code tokenizer.json}. */
  public static Derived derive(Path tokenizerJson) throws IOException {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IOException("tokenizer.json not found: " + tokenizerJson);
    }
    JsonNode root = JSON.readTree(tokenizerJson.toFile());
    JsonNode model = root.path("model");
    if (!"WordPiece".equals(model.path("type").asText())) {
      throw new IOException(
          tokenizerJson + ": model.type is '" + model.path("type").asText() + "', a BERT tokenizer needs 'WordPiece'");
    }
    TreeMap<Integer, String> byId = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      putUnique(byId, e.getValue().asInt(), e.getKey(), tokenizerJson);
    }
    for (JsonNode added : root.path("added_tokens")) {
      int id = added.path("id").asInt();
      String content = added.path("content").asText();
      String existing = byId.get(id);
      if (existing == null) {
        byId.put(id, content);
      } else if (!existing.equals(content)) {
        throw new IOException(
            tokenizerJson + ": added token '" + content + "' has id " + id + ", which the vocab gives to '" + existing + "'");
      }
    }
    if (byId.isEmpty()) {
      throw new IOException(tokenizerJson + ": model.vocab is empty");
    }
    List<String> vocab = new ArrayList<>(byId.size());
    int expect = 0;
    for (Map.Entry<Integer, String> e : byId.entrySet()) {
      if (e.getKey() != expect) {
        throw new IOException(
            tokenizerJson + ": token ids must be contiguous from 0 for vocab.txt, but id " + expect + " is missing (next id "
                + e.getKey() + ")");
      }
      vocab.add(e.getValue());
      expect++;
    }

    // BertNormalizer (possibly inside a Sequence) carries lowercase / strip_accents / handle_chinese_chars.
    JsonNode norm = findNormalizer(root.path("normalizer"), "BertNormalizer");
    boolean lower;
    Boolean strip = null;
    boolean chinese = true;
    if (norm != null) {
      lower = norm.path("lowercase").asBoolean(true);
      strip = norm.path("strip_accents").isBoolean() ? norm.path("strip_accents").asBoolean() : null;
      chinese = norm.path("handle_chinese_chars").asBoolean(true);
    } else {
      lower = findNormalizer(root.path("normalizer"), "Lowercase") != null;
    }

    String unk = model.path("unk_token").asText("[UNK]");
    String cls = "[CLS]";
    String sep = "[SEP]";
    JsonNode post = root.path("post_processor");
    if ("BertProcessing".equals(post.path("type").asText())) {
      cls = post.path("cls").path(0).asText(cls);
      sep = post.path("sep").path(0).asText(sep);
    } else if ("TemplateProcessing".equals(post.path("type").asText())) {
      // single = [CLS] $A [SEP]: the first and last special-token pieces name cls and sep
      List<String> specials = new ArrayList<>();
      for (JsonNode piece : post.path("single")) {
        if (piece.has("SpecialToken")) {
          specials.add(piece.path("SpecialToken").path("id").asText());
        }
      }
      if (specials.size() >= 2) {
        cls = specials.get(0);
        sep = specials.get(specials.size() - 1);
      }
    }
    String pad = root.path("padding").path("pad_token").asText("[PAD]");
    String mask = "[MASK]";
    int padId = vocab.indexOf(pad);
    for (String special : List.of(unk, cls, sep, pad, mask)) {
      if (!vocab.contains(special)) {
        throw new IOException(tokenizerJson + ": special token " + special + " is not in the vocabulary");
      }
    }
    return new Derived(vocab, lower, strip, chinese, unk, cls, sep, pad, mask, padId);
  }

  private static void putUnique(TreeMap<Integer, String> byId, int id, String token, Path file) throws IOException {
    String prev = byId.put(id, token);
    if (prev != null && !prev.equals(token)) {
      throw new IOException(file + ": id " + id + " is given to both '" + prev + "' and '" + token + "'");
    }
  }

  private static JsonNode findNormalizer(JsonNode node, String type) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return null;
    }
    if (type.equals(node.path("type").asText())) {
      return node;
    }
    for (JsonNode child : node.path("normalizers")) {
      JsonNode found = findNormalizer(child, type);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /**
   * Writes {@code vocab.txt}, {@code tokenizer_config.json} and {@code special_tokens_map.json} into {@code outDir}.
   *
   * @param modelMaxLength the tokenizer's {@code model_max_length} (the model's position-embedding count)
   */
  public static void write(Derived d, Path outDir, int modelMaxLength) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String token : d.vocab()) {
      sb.append(token).append('\n');
    }
    OnnxBertImporter.writeAtomically(outDir.resolve("vocab.txt"), sb.toString().getBytes(StandardCharsets.UTF_8));

    ObjectNode special = JSON.createObjectNode();
    special.put("unk_token", d.unkToken());
    special.put("sep_token", d.sepToken());
    special.put("pad_token", d.padToken());
    special.put("cls_token", d.clsToken());
    special.put("mask_token", d.maskToken());

    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("tokenizer_class", "BertTokenizer");
    cfg.put("do_lower_case", d.doLowerCase());
    cfg.put("do_basic_tokenize", true);
    cfg.put("tokenize_chinese_chars", d.tokenizeChineseChars());
    if (d.stripAccents() == null) {
      cfg.putNull("strip_accents");
    } else {
      cfg.put("strip_accents", d.stripAccents());
    }
    cfg.put("model_max_length", modelMaxLength);
    cfg.setAll(special);
    OnnxBertImporter.writeAtomically(outDir.resolve("tokenizer_config.json"), JSON.writeValueAsBytes(cfg));
    OnnxBertImporter.writeAtomically(outDir.resolve("special_tokens_map.json"), JSON.writeValueAsBytes(special));
  }
}
