package io.finbert4j.core.document;

import io.finbert4j.tokenizer.BertTokenizer;
import io.finbert4j.tokenizer.EncodeOptions;
import io.finbert4j.tokenizer.Encoding;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Splits a document into model-sized segments: sentences ({@link BreakIterator}, {@link Locale#US}), and
 * sentences longer than the max length into overlapping windows of word pieces.
 *
 * <p>Sentence boundaries are {@code BreakIterator}'s: it may split after abbreviations such as
 * "Inc." followed by a capitalised word; that costs accuracy only marginally (both halves are still
 * classified) and is accepted. Windows are built from the sentence's own encoding, exactly as Hugging
 * Face's {@code return_overflowing_tokens=True, stride=s} does: {@code [CLS] pieces[i, i+C) [SEP]} with
 * capacity {@code C = maxLength − 2} and step {@code C − stride}; a window may start inside a word
 * (on a {@code ##} piece). Offsets come from the tokenizer, so each segment maps back to the exact
 * substring of the original document.
 *
 * <p>Immutable and thread-safe.
 */
public final class DocumentSplitter {
  /** {@code [CLS]} and {@code [SEP]} around a single sequence. */
  private static final int SPECIALS = 2;

  private final BertTokenizer tokenizer;
  private final int maxLength;
  private final int stride;

  /**
   * @param maxLength tokens per segment, special tokens included (≥ 3)
   * @param stride tokens shared by consecutive windows, or {@link DocumentOptions#DEFAULT_STRIDE}
   */
  public DocumentSplitter(BertTokenizer tokenizer, int maxLength, int stride) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer must not be null");
    if (maxLength < SPECIALS + 1) {
      throw new IllegalArgumentException("maxLength must be >= 3 to hold [CLS] x [SEP], got " + maxLength);
    }
    int capacity = maxLength - SPECIALS;
    int s = stride == DocumentOptions.DEFAULT_STRIDE ? capacity / 4 : stride;
    if (s < 0 || s >= capacity) {
      throw new IllegalArgumentException(
          "stride must be in [0, maxLength - 2) = [0, " + capacity + "), got " + stride);
    }
    this.maxLength = maxLength;
    this.stride = s;
  }

  /** The stride in effect (the default resolved). */
  public int stride() {
    return stride;
  }

  /**
   * A piece of a document ready for the model.
   *
   * @param start first char (UTF-16 index into the document)
   * @param end one past the last char
   * @param sentenceIndex 0-based sentence number
   * @param windowIndex window number within the sentence
   * @param windowCount windows of the sentence (1 = whole sentence)
   * @param inputIds {@code [CLS] ... [SEP]}, at most maxLength ids
   * @param tokenTypeIds all 0 (single sequence)
   */
  public record Segment(
      int start, int end, int sentenceIndex, int windowIndex, int windowCount, int[] inputIds,
      int[] tokenTypeIds) {}

  /**
   * Sentence spans {@code {start, end}} of {@code doc}, leading and trailing whitespace trimmed, blank
   * sentences dropped; empty for a blank document.
   */
  public static List<int[]> sentences(String doc) {
    Objects.requireNonNull(doc, "document must not be null");
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.US);
    it.setText(doc);
    List<int[]> out = new ArrayList<>();
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      int s = start;
      int e = end;
      while (s < e && Character.isWhitespace(doc.charAt(s))) {
        s++;
      }
      while (e > s && Character.isWhitespace(doc.charAt(e - 1))) {
        e--;
      }
      if (s < e) {
        out.add(new int[] {s, e});
      }
    }
    return out;
  }

  /**
   * Splits {@code doc} into segments in document order. A blank document gives one segment
   * {@code [CLS] [SEP]} spanning {@code [0, 0)}.
   */
  public List<Segment> split(String doc) {
    List<int[]> spans = sentences(doc);
    List<Segment> out = new ArrayList<>();
    if (spans.isEmpty()) {
      Encoding e = tokenizer.encode("", null, EncodeOptions.noTruncation());
      out.add(new Segment(0, 0, 0, 0, 1, e.inputIds(), e.tokenTypeIds()));
      return out;
    }
    for (int si = 0; si < spans.size(); si++) {
      int s = spans.get(si)[0];
      int e = spans.get(si)[1];
      Encoding enc = tokenizer.encode(doc.substring(s, e), null, EncodeOptions.noTruncation());
      int n = enc.length();
      if (n <= maxLength) {
        out.add(new Segment(s, e, si, 0, 1, enc.inputIds(), enc.tokenTypeIds()));
        continue;
      }
      addWindows(out, enc, s, si);
    }
    return out;
  }

  /** Windows of the word pieces {@code enc[1, n-1)} (between [CLS] and [SEP]) of a sentence starting at {@code base}. */
  private void addWindows(List<Segment> out, Encoding enc, int base, int sentenceIndex) {
    int[] ids = enc.inputIds();
    int[][] offsets = enc.offsets();
    int pieces = ids.length - SPECIALS;
    int capacity = maxLength - SPECIALS;
    int step = capacity - stride;
    int count = 1 + (pieces - capacity + step - 1) / step; // windows needed to reach the last piece
    for (int w = 0; w < count; w++) {
      int from = w * step; // piece index, 0-based after [CLS]
      int to = Math.min(from + capacity, pieces);
      int[] win = new int[to - from + SPECIALS];
      win[0] = ids[0];
      System.arraycopy(ids, 1 + from, win, 1, to - from);
      win[win.length - 1] = ids[ids.length - 1];
      int start = base + offsets[1 + from][0];
      int end = base + offsets[to][1]; // piece to-1 sits at index to (after [CLS])
      out.add(new Segment(start, end, sentenceIndex, w, count, win, new int[win.length]));
    }
  }

  @Override
  public String toString() {
    return "DocumentSplitter{maxLength=" + maxLength + ", stride=" + stride + "}";
  }
}
