package io.finbert4j.core.train;

/**
 * One labelled example as read from a data file.
 *
 * @param text the first (or only) segment
 * @param textPair the second segment, or null
 * @param label the class id (index into the model's id2label)
 * @param line the 1-based line (CSV record start line / JSON line) it came from, for error messages
 */
public record LabeledExample(String text, String textPair, int label, long line) {}
