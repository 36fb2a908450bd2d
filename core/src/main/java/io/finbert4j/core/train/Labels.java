package io.finbert4j.core.train;

import java.util.List;

/** Parses a label written by name (as in id2label) or as an integer class id. */
final class Labels {
  private Labels() {}

  /**
   * @throws IllegalArgumentException naming {@code where} and the allowed labels for an unknown label
   */
  static int parse(String raw, List<String> labels, String where) {
    String s = raw == null ? "" : raw.trim();
    int byName = labels.indexOf(s);
    if (byName >= 0) {
      return byName;
    }
    for (int i = 0; i < labels.size(); i++) {
      if (labels.get(i).equalsIgnoreCase(s)) {
        return i;
      }
    }
    try {
      int id = Integer.parseInt(s);
      if (id >= 0 && id < labels.size()) {
        return id;
      }
    } catch (NumberFormatException e) {
      // not an id either: reported below
    }
    throw new IllegalArgumentException(
        where + ": unknown label \"" + s + "\"; allowed: " + String.join(", ", labels) + " (or ids 0.."
            + (labels.size() - 1) + ")");
  }
}
