package io.finbert4j.tokenizer;

import java.text.Normalizer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hugging Face's {@code BertNormalizer} (tokenizers, {@code normalizers/bert.rs}), applied one code point
 * at a time so that every normalized char keeps the original code point it came from (for offsets).
 *
 * <p>The steps, in the Rust order: (1) clean text: drop NUL, U+FFFD and "other" characters (categories
 * Cc, Cf, Co as the Rust tables know them, see {@link UnicodeClasses}; {@code \t \n \r} excepted;
 * unassigned code points are kept), map whitespace ({@code \t \n \r} and Unicode White_Space) to a space;
 * (2) a space before and after every CJK ideograph; (3) strip accents: NFD (with canonical reordering),
 * then drop non-spacing marks (Mn); (4) lower-case with the full, context-free Unicode mapping of Rust's
 * {@code char::to_lowercase} (so U+0130 gives "i" + U+0307 and a final capital sigma gives σ, not ς).
 *
 * <p>The result for every BMP code point is computed once per flag combination and cached (tables are
 * immutable and shared); supplementary code points take the same path uncached.
 */
final class BertNormalizer {
  /** {@link #kind} values for the BMP table. */
  private static final byte KEEP_ONE = 0;
  private static final byte DROP = 1;
  private static final byte MULTI = 2;

  /** {@link #reorderClass} values. */
  private static final byte PLAIN = 0;
  private static final byte MARK = 1;
  private static final byte DECOMPOSES = 2;
  private static final byte DROPPED = 3;

  private static final int BMP_SIZE = 0x10000;
  private static final ConcurrentHashMap<Integer, BertNormalizer> CACHE = new ConcurrentHashMap<>();

  private final boolean cleanText;
  private final boolean handleChineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;
  /** Per BMP code point: KEEP_ONE (result in {@link #single}), DROP, or MULTI (result in {@link #multi}). */
  private final byte[] kind = new byte[BMP_SIZE];
  private final char[] single = new char[BMP_SIZE];
  private final String[] multi = new String[BMP_SIZE];
  /** Per BMP code point: its {@link #reorderClass}; null when accents are not stripped (no NFD). */
  private final byte[] reorder;

  private BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    this.cleanText = cleanText;
    this.handleChineseChars = handleChineseChars;
    this.stripAccents = stripAccents;
    this.lowercase = lowercase;
    this.reorder = stripAccents ? new byte[BMP_SIZE] : null;
    for (int cp = 0; cp < BMP_SIZE; cp++) {
      if (reorder != null) {
        reorder[cp] = Character.isSurrogate((char) cp) ? DROPPED : reorderClassSlow(cp);
      }
      if (Character.isSurrogate((char) cp)) {
        // A lone surrogate cannot reach Rust (its JNI bridge turns it into U+FFFDs); drop it likewise.
        kind[cp] = DROP;
        continue;
      }
      String s = normalizeSlow(cp);
      if (s.isEmpty()) {
        kind[cp] = DROP;
      } else if (s.length() == 1) {
        kind[cp] = KEEP_ONE;
        single[cp] = s.charAt(0);
      } else {
        kind[cp] = MULTI;
        multi[cp] = s;
      }
    }
  }

  /** The shared normalizer for one flag combination. */
  static BertNormalizer of(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {
    int key = (cleanText ? 1 : 0) | (handleChineseChars ? 2 : 0) | (stripAccents ? 4 : 0) | (lowercase ? 8 : 0);
    return CACHE.computeIfAbsent(key, k -> new BertNormalizer(cleanText, handleChineseChars, stripAccents, lowercase));
  }

  /**
   * Appends the normalization of {@code text[from, to)} to {@code ws}'s normalized buffer; each appended
   * char records the original UTF-16 range of the code point it came from. Unpaired surrogates are dropped.
   *
   * <p>Fast path: one table look-up per BMP code point. NFD's canonical reordering (combining marks sorted
   * by combining class) can move a kept char onto another char's alignment; when accents are stripped and
   * a combining mark follows a mark or a decomposable char, the segment is redone by {@link #normalizeExact}.
   */
  void normalize(String text, int from, int to, Workspace ws) {
    int mark = ws.normLen;
    boolean prevMarkish = false;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      int cp;
      int next;
      if (!Character.isSurrogate(c)) {
        cp = c;
        next = i + 1;
      } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
        cp = Character.toCodePoint(c, text.charAt(i + 1));
        next = i + 2;
      } else {
        i++; // unpaired surrogate: dropped
        continue;
      }
      if (stripAccents) {
        byte r = reorderClass(cp);
        if (r == DROPPED) {
          i = next;
          continue;
        }
        if (r == MARK && prevMarkish) {
          ws.normLen = mark;
          normalizeExact(text, from, to, ws);
          return;
        }
        prevMarkish = r != PLAIN;
      }
      if (cp < BMP_SIZE) {
        byte k = kind[cp];
        if (k == KEEP_ONE) {
          ws.appendNorm(single[cp], i, next);
        } else if (k == MULTI) {
          ws.appendNorm(multi[cp], i, next);
        }
      } else {
        String s = normalizeSlow(cp);
        if (!s.isEmpty()) {
          ws.appendNorm(s, i, next);
        }
      }
      i = next;
    }
  }

  /**
   * For the reordering check: DROPPED (removed by clean-text, so its neighbours become adjacent), MARK
   * (a combining mark: the only chars with a non-zero combining class), DECOMPOSES (its NFD may end in a
   * mark), else PLAIN.
   */
  private byte reorderClass(int cp) {
    if (cp < BMP_SIZE && reorder != null) {
      return reorder[cp];
    }
    return reorderClassSlow(cp);
  }

  private byte reorderClassSlow(int cp) {
    if (cleanText && cp != '\t' && cp != '\n' && cp != '\r'
        && (cp == 0 || cp == 0xFFFD || UnicodeClasses.isOther(cp))) {
      return DROPPED;
    }
    switch (Character.getType(cp)) {
      case Character.NON_SPACING_MARK:
      case Character.COMBINING_SPACING_MARK:
      case Character.ENCLOSING_MARK:
        return MARK;
      default:
        String s = Character.toString(cp);
        return Normalizer.isNormalized(s, Normalizer.Form.NFD) ? PLAIN : DECOMPOSES;
    }
  }

  /**
   * The exact Rust pipeline for one segment: clean-text and CJK spacing per code point, then NFD of the
   * whole segment as the Rust {@code NormalizedString::nfd} aligns it. Rust decomposes each char into
   * (char, change) items (first 0, others +1 = "inserted"), sorts runs of combining marks by combining
   * class carrying the changes along, then assigns alignments by consumption: a change-0 item takes the
   * next original char's alignment, an inserted item the previous one's. Then non-spacing marks are
   * dropped and the rest lower-cased (each keeping its alignment).
   */
  private void normalizeExact(String text, int from, int to, Workspace ws) {
    // 1. clean-text + CJK spacing: code points with their original ranges
    int cap = (to - from) * 3 + 2;
    int[] pre = new int[cap];
    int[] preStart = new int[cap];
    int[] preEnd = new int[cap];
    int np = 0;
    int i = from;
    while (i < to) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (Character.isSurrogate(text.charAt(i)) && Character.charCount(cp) == 1) {
        i++;
        continue;
      }
      int[] cleaned = cleanAndSpace(cp);
      for (int c : cleaned) {
        pre[np] = c;
        preStart[np] = i;
        preEnd[np] = next;
        np++;
      }
      i = next;
    }
    // 2. per-char decomposition into (char, change) items
    StringBuilder decomposed = new StringBuilder(np + 8);
    int[] items = new int[np * 4 + 4];
    int[] changes = new int[items.length];
    int ni = 0;
    for (int k = 0; k < np; k++) {
      String d = Normalizer.normalize(Character.toString(pre[k]), Normalizer.Form.NFD);
      int first = ni;
      for (int off = 0; off < d.length(); ) {
        int c = d.codePointAt(off);
        off += Character.charCount(c);
        if (ni == items.length) {
          items = java.util.Arrays.copyOf(items, ni * 2);
          changes = java.util.Arrays.copyOf(changes, ni * 2);
        }
        items[ni] = c;
        changes[ni] = ni == first ? 0 : 1;
        ni++;
      }
      decomposed.append(d);
    }
    // 3. canonical reordering (Java's NFD of the decomposed text only reorders); recover which item went
    // where: within a run equal chars keep their order, so the first unused equal item is the right one.
    String reordered = Normalizer.normalize(decomposed, Normalizer.Form.NFD);
    int[] order = reordered.codePoints().toArray();
    int[] orderChange = new int[order.length];
    if (order.length != ni) {
      throw new IllegalStateException("NFD reordering changed the length of a decomposed text");
    }
    boolean[] used = new boolean[ni];
    int firstUnused = 0;
    for (int k = 0; k < ni; k++) {
      while (firstUnused < ni && used[firstUnused]) {
        firstUnused++;
      }
      int j = firstUnused;
      while (items[j] != order[k] || used[j]) {
        j++;
      }
      used[j] = true;
      orderChange[k] = changes[j];
    }
    // 4. alignment by consumption, then drop Mn and lower-case
    int pos = 0;
    StringBuilder sb = new StringBuilder(4);
    for (int k = 0; k < ni; k++) {
      int a;
      if (orderChange[k] > 0) {
        a = Math.max(0, pos - 1);
      } else {
        a = pos;
        pos++;
      }
      int c = order[k];
      if (UnicodeClasses.isNonSpacingMark(c)) {
        continue;
      }
      sb.setLength(0);
      if (lowercase) {
        UnicodeClasses.appendLowercase(sb, c);
      } else {
        sb.appendCodePoint(c);
      }
      ws.appendNorm(sb.toString(), preStart[a], preEnd[a]);
    }
  }

  /** Clean-text and CJK spacing of one code point (no accent stripping or lower-casing). */
  private int[] cleanAndSpace(int cp) {
    if (cleanText) {
      if (cp == '\t' || cp == '\n' || cp == '\r') {
        return new int[] {' '};
      }
      if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isOther(cp)) {
        return new int[0];
      }
      if (UnicodeClasses.isWhitespace(cp)) {
        return new int[] {' '};
      }
    }
    if (handleChineseChars && UnicodeClasses.isChineseChar(cp)) {
      return new int[] {' ', cp, ' '};
    }
    return new int[] {cp};
  }

  /** The normalization of one code point (possibly empty, possibly several chars). */
  String normalizeSlow(int cp) {
    if (cleanText) {
      if (cp == '\t' || cp == '\n' || cp == '\r') {
        return " ";
      }
      if (cp == 0 || cp == 0xFFFD || UnicodeClasses.isOther(cp)) {
        return "";
      }
      if (UnicodeClasses.isWhitespace(cp)) {
        return " ";
      }
    }
    boolean cjk = handleChineseChars && UnicodeClasses.isChineseChar(cp);
    String s = Character.toString(cp);
    if (stripAccents) {
      String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
      StringBuilder sb = new StringBuilder(nfd.length());
      nfd.codePoints().filter(c -> !UnicodeClasses.isNonSpacingMark(c)).forEach(sb::appendCodePoint);
      s = sb.toString();
    }
    if (lowercase) {
      StringBuilder sb = new StringBuilder(s.length() + 1);
      s.codePoints().forEach(c -> UnicodeClasses.appendLowercase(sb, c));
      s = sb.toString();
    }
    return cjk ? " " + s + " " : s;
  }
}
