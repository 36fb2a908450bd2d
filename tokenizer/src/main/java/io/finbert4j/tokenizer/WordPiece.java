package io.finbert4j.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's WordPiece model ({@code models/wordpiece}): greedy longest-match-first segmentation of one
 * pre-tokenized word, continuation pieces carrying the {@code ##} prefix. A word with no complete
 * segmentation, or longer than {@code max_input_chars_per_word} code points, becomes one {@code [UNK]}
 * spanning the whole word.
 */
final class WordPiece {
  /** Pieces that may start a word (keys without prefix). */
  private final PieceTable initial;
  /** Continuation pieces, keyed WITHOUT the {@code ##} prefix so a range of the word can be probed as is. */
  private final PieceTable continuation;
  private final int unkId;
  private final int maxInputCharsPerWord;

  WordPiece(Map<String, Integer> vocab, String prefix, int unkId, int maxInputCharsPerWord) {
    List<String> initKeys = new ArrayList<>(vocab.size());
    List<String> contKeys = new ArrayList<>();
    int[] initIds = new int[vocab.size()];
    int[] contIds = new int[vocab.size()];
    for (Map.Entry<String, Integer> e : vocab.entrySet()) {
      String tok = e.getKey();
      initIds[initKeys.size()] = e.getValue();
      initKeys.add(tok);
      if (tok.startsWith(prefix) && tok.length() > prefix.length()) {
        contIds[contKeys.size()] = e.getValue();
        contKeys.add(tok.substring(prefix.length()));
      }
    }
    this.initial = new PieceTable(initKeys, initIds);
    this.continuation = new PieceTable(contKeys, contIds);
    this.unkId = unkId;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
  }

  /** Segments the word {@code ws.norm[from, to)} and appends its pieces (with original offsets) to ws. */
  void tokenize(Workspace ws, int from, int to) {
    char[] buf = ws.norm;
    int wordLen = to - from;
    if (wordLen > maxInputCharsPerWord && Character.codePointCount(buf, from, wordLen) > maxInputCharsPerWord) {
      ws.addPiece(unkId, ws.normStart[from], ws.normEnd[to - 1]);
      return;
    }
    int firstPiece = ws.count;
    int start = from;
    while (start < to) {
      PieceTable table = start == from ? initial : continuation;
      int maxEnd = Math.min(to, start + table.maxKeyLength);
      int[] h = ws.hashes(maxEnd - start + 1);
      int acc = 0;
      for (int k = start; k < maxEnd; k++) {
        acc = PieceTable.extend(acc, buf[k]);
        h[k - start + 1] = acc;
      }
      int id = -1;
      int end = maxEnd;
      while (end > start) {
        // Ends must fall on code point boundaries (Rust steps back one char at a time).
        if (!(end < to && Character.isLowSurrogate(buf[end]) && Character.isHighSurrogate(buf[end - 1]))) {
          id = table.find(buf, start, end, h[end - start]);
          if (id >= 0) {
            break;
          }
        }
        end--;
      }
      if (id < 0) {
        ws.count = firstPiece;
        ws.addPiece(unkId, ws.normStart[from], ws.normEnd[to - 1]);
        return;
      }
      ws.addPiece(id, ws.normStart[start], ws.normEnd[end - 1]);
      start = end;
    }
  }
}
