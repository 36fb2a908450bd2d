package io.finbert4j.tokenizer;

import java.util.Arrays;

/**
 * The result of encoding one text or one text pair: the model inputs plus the word-piece strings and
 * their character offsets in the original text.
 *
 * <p>All arrays have the same length {@link #length()}. Arrays are owned by the encoding and must not be
 * modified by callers.
 *
 * @param inputIds vocabulary ids, {@code [CLS] A [SEP]} or {@code [CLS] A [SEP] B [SEP]}, then padding
 * @param tokenTypeIds 0 for {@code [CLS]}, A and its {@code [SEP]}; 1 for B and its {@code [SEP]}; 0 on padding
 * @param attentionMask 1 on real tokens, 0 on padding
 * @param tokens the word pieces ({@code [UNK]} for unknown words, {@code [PAD]} for padding)
 * @param offsets {@code offsets[i] = {start, end}}: UTF-16 char indices into the ORIGINAL string of the
 *     text the token came from ({@code end} exclusive); {@code {0, 0}} for added special and padding
 *     tokens
 * @param numTruncated how many word pieces truncation removed (0 when nothing was cut)
 */
public record Encoding(
    int[] inputIds,
    int[] tokenTypeIds,
    int[] attentionMask,
    String[] tokens,
    int[][] offsets,
    int numTruncated) {

  public Encoding {
    int n = inputIds.length;
    if (tokenTypeIds.length != n || attentionMask.length != n || tokens.length != n || offsets.length != n) {
      throw new IllegalArgumentException(
          "Encoding arrays differ in length: inputIds " + n + ", tokenTypeIds " + tokenTypeIds.length
              + ", attentionMask " + attentionMask.length + ", tokens " + tokens.length
              + ", offsets " + offsets.length);
    }
  }

  /** Whether truncation removed at least one word piece. */
  public boolean truncated() {
    return numTruncated > 0;
  }

  /** Number of tokens, padding included. */
  public int length() {
    return inputIds.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e
        && numTruncated == e.numTruncated
        && Arrays.equals(inputIds, e.inputIds)
        && Arrays.equals(tokenTypeIds, e.tokenTypeIds)
        && Arrays.equals(attentionMask, e.attentionMask)
        && Arrays.equals(tokens, e.tokens)
        && Arrays.deepEquals(offsets, e.offsets);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(tokens) + numTruncated;
  }

  @Override
  public String toString() {
    return "Encoding{tokens=" + Arrays.toString(tokens) + ", inputIds=" + Arrays.toString(inputIds)
        + ", tokenTypeIds=" + Arrays.toString(tokenTypeIds) + ", attentionMask="
        + Arrays.toString(attentionMask) + ", offsets=" + Arrays.deepToString(offsets)
        + ", numTruncated=" + numTruncated + "}";
  }
}
