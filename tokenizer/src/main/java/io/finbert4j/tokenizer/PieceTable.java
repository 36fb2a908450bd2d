package io.finbert4j.tokenizer;

import java.util.List;

/**
 * An immutable open-addressing hash table from word pieces to vocabulary ids that is probed with a range
 * of a {@code char[]} and that range's precomputed hash, so WordPiece's many substring look-ups create no
 * strings. The hash is {@link String#hashCode()}'s polynomial, so it can be extended char by char.
 */
final class PieceTable {
  private static final int HASH_MULTIPLIER = 31;
  private static final int GOLDEN = 0x9E3779B9;

  /** slots[i] = entry index + 1, 0 = empty; size a power of two at most half full. */
  private final int[] slots;
  private final int mask;
  /** All keys concatenated; entry e is pool[keyStart[e], keyStart[e] + keyLen[e]). */
  private final char[] pool;
  private final int[] keyStart;
  private final int[] keyLen;
  private final int[] keyHash;
  private final int[] values;
  /** Length (UTF-16 chars) of the longest key: longer ranges cannot match. */
  final int maxKeyLength;

  PieceTable(List<String> keys, int[] ids) {
    int n = keys.size();
    int cap = Integer.highestOneBit(Math.max(4, n * 2 - 1)) << 1;
    slots = new int[cap];
    mask = cap - 1;
    keyStart = new int[n];
    keyLen = new int[n];
    keyHash = new int[n];
    values = new int[n];
    int total = 0;
    for (String k : keys) {
      total += k.length();
    }
    pool = new char[total];
    int pos = 0;
    int longest = 0;
    for (int e = 0; e < n; e++) {
      String k = keys.get(e);
      k.getChars(0, k.length(), pool, pos);
      keyStart[e] = pos;
      keyLen[e] = k.length();
      keyHash[e] = k.hashCode();
      values[e] = ids[e];
      pos += k.length();
      longest = Math.max(longest, k.length());
      int s = slot(keyHash[e]);
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = e + 1;
    }
    maxKeyLength = longest;
  }

  /** The hash of one more char appended to a range whose hash is {@code h}. */
  static int extend(int h, char c) {
    return HASH_MULTIPLIER * h + c;
  }

  private int slot(int hash) {
    int m = hash * GOLDEN;
    return (m ^ (m >>> 16)) & mask;
  }

  /** The id of {@code buf[from, to)} (whose hash is {@code hash}), or -1. */
  int find(char[] buf, int from, int to, int hash) {
    int len = to - from;
    for (int s = slot(hash); ; s = (s + 1) & mask) {
      int e = slots[s] - 1;
      if (e < 0) {
        return -1;
      }
      if (keyHash[e] == hash && keyLen[e] == len && regionEquals(e, buf, from, len)) {
        return values[e];
      }
    }
  }

  private boolean regionEquals(int e, char[] buf, int from, int len) {
    int p = keyStart[e];
    for (int k = 0; k < len; k++) {
      if (pool[p + k] != buf[from + k]) {
        return false;
      }
    }
    return true;
  }
}
