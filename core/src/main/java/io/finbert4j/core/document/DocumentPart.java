package io.finbert4j.core.document;

import io.finbert4j.core.SentimentResult;

/**
 * One classified part of a document: a sentence, or a token window of a sentence longer than the max length.
 *
 * @param start UTF-16 index of the part's first character in the original document
 * @param end UTF-16 index one past the part's last character ({@code document.substring(start, end)} is {@code text})
 * @param text the part's text as it appears in the document
 * @param sentenceIndex which sentence (0-based, in document order) the part belongs to
 * @param windowIndex which window of that sentence (0 when the sentence fit whole)
 * @param windowCount how many windows the sentence was split into (1 when it fit whole)
 * @param result the part's classification
 */
public record DocumentPart(
    int start, int end, String text, int sentenceIndex, int windowIndex, int windowCount,
    SentimentResult result) {

  /** Whether this part is a window of a sentence that was longer than the max length. */
  public boolean window() {
    return windowCount > 1;
  }
}
