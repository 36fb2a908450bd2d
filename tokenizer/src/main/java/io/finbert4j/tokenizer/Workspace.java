package io.finbert4j.tokenizer;

import java.util.Arrays;

/**
 * Per-thread scratch buffers of one encode call: the normalized text with, for each normalized char, the
 * original UTF-16 range it came from; the word pieces found so far; WordPiece's prefix hashes. Reused
 * across calls on the same thread (never shared between threads), so the hot path allocates only the
 * result arrays.
 */
final class Workspace {
  /** Buffers larger than this (in elements) are not kept for the next call, to bound retained memory. */
  private static final int MAX_RETAINED = 1 << 16;
  private static final int INITIAL = 256;

  /** Normalized chars [normLen] and the original range [normStart, normEnd) of each. */
  char[] norm = new char[INITIAL];
  int[] normStart = new int[INITIAL];
  int[] normEnd = new int[INITIAL];
  int normLen;

  /** Word pieces [count]: vocabulary id and original range. */
  int[] ids = new int[INITIAL];
  int[] starts = new int[INITIAL];
  int[] ends = new int[INITIAL];
  int count;

  /** hashes[k] = polynomial hash of the k chars after a WordPiece start. */
  int[] hashes = new int[INITIAL];

  void reset() {
    normLen = 0;
    count = 0;
    if (norm.length > MAX_RETAINED) {
      norm = new char[INITIAL];
      normStart = new int[INITIAL];
      normEnd = new int[INITIAL];
    }
    if (ids.length > MAX_RETAINED) {
      ids = new int[INITIAL];
      starts = new int[INITIAL];
      ends = new int[INITIAL];
    }
  }

  void appendNorm(char c, int origStart, int origEnd) {
    if (normLen == norm.length) {
      growNorm(normLen + 1);
    }
    norm[normLen] = c;
    normStart[normLen] = origStart;
    normEnd[normLen] = origEnd;
    normLen++;
  }

  void appendNorm(String s, int origStart, int origEnd) {
    int n = s.length();
    if (normLen + n > norm.length) {
      growNorm(normLen + n);
    }
    for (int k = 0; k < n; k++) {
      norm[normLen] = s.charAt(k);
      normStart[normLen] = origStart;
      normEnd[normLen] = origEnd;
      normLen++;
    }
  }

  private void growNorm(int min) {
    int cap = Math.max(min, norm.length * 2);
    norm = Arrays.copyOf(norm, cap);
    normStart = Arrays.copyOf(normStart, cap);
    normEnd = Arrays.copyOf(normEnd, cap);
  }

  void addPiece(int id, int start, int end) {
    if (count == ids.length) {
      int cap = ids.length * 2;
      ids = Arrays.copyOf(ids, cap);
      starts = Arrays.copyOf(starts, cap);
      ends = Arrays.copyOf(ends, cap);
    }
    ids[count] = id;
    starts[count] = start;
    ends[count] = end;
    count++;
  }

  int[] hashes(int min) {
    if (hashes.length < min) {
      hashes = new int[Math.max(min, hashes.length * 2)];
    }
    return hashes;
  }
}
