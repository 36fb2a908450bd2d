package io.finbert4j.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's {@code AddedVocabulary} for BERT: tokens that are cut out of the ORIGINAL text before
 * normalization and kept whole. Special tokens ({@code [CLS]}, {@code [SEP]}, ...) match anywhere, even
 * inside a word, case-sensitively, leftmost-longest first (as the Rust tokenizer's non-normalized added
 * tokens). {@code never_split} words (as in Python's {@code BasicTokenizer}) match only as a whole
 * whitespace-delimited word.
 */
final class AddedTokens {
  /**
   * One added token: its text, its id, whether it must be a whole whitespace-delimited word
   * ({@code never_split}) and whether it is special (skipped by {@code decode(ids, true)}).
   */
  record Token(String content, int id, boolean wholeWord, boolean special) {}

  private static final int BMP_SIZE = 0x10000;

  /** Per first char: the candidates starting with it, longest first (null when none). */
  private final Token[][] byFirstChar = new Token[BMP_SIZE][];
  private final boolean empty;

  AddedTokens(List<Token> tokens) {
    Map<Character, List<Token>> groups = new HashMap<>();
    for (Token t : tokens) {
      if (!t.content().isEmpty()) {
        groups.computeIfAbsent(t.content().charAt(0), k -> new ArrayList<>()).add(t);
      }
    }
    for (Map.Entry<Character, List<Token>> e : groups.entrySet()) {
      List<Token> l = e.getValue();
      l.sort(Comparator.comparingInt((Token t) -> t.content().length()).reversed());
      byFirstChar[e.getKey()] = l.toArray(new Token[0]);
    }
    empty = groups.isEmpty();
  }

  boolean isEmpty() {
    return empty;
  }

  /** The longest token matching {@code text} at {@code pos} (given that {@code [from, to)} is the text), or null. */
  Token matchAt(String text, int pos, int to) {
    Token[] candidates = byFirstChar[text.charAt(pos)];
    if (candidates == null) {
      return null;
    }
    for (Token t : candidates) {
      int len = t.content().length();
      if (pos + len <= to && text.startsWith(t.content(), pos)) {
        if (!t.wholeWord()
            || ((pos == 0 || UnicodeClasses.isWhitespace(text.charAt(pos - 1)))
                && (pos + len == to || UnicodeClasses.isWhitespace(text.charAt(pos + len))))) {
          return t;
        }
      }
    }
    return null;
  }
}
