package io.finbert4j.trading.data;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One news item. {@code available} is the instant the item became known (UTC); the backtester never lets a decision
 * at or before that instant see it (see {@link io.finbert4j.trading.Timeline}).
 *
 * @param id the item's id (the file's {@code id} column, else {@code file:line})
 * @param available when the item could first be known (for Tiingo: LEAN's rule, see {@link TiingoNews})
 * @param symbols the tickers it is about (upper case)
 * @param title headline (may be empty)
 * @param description body or summary (may be empty)
 * @param source publisher (may be empty)
 * @param tags tags, lower case (may be empty)
 * @param published the publisher's own time stamp, informational only (null when unknown)
 * @param origin {@code file:line} it was read from
 */
public record NewsItem(String id, Instant available, List<String> symbols, String title, String description,
    String source, List<String> tags, Instant published, String origin) {
  public NewsItem {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(available, "available");
    symbols = List.copyOf(symbols);
    title = title == null ? "" : title;
    description = description == null ? "" : description;
    source = source == null ? "" : source;
    tags = List.copyOf(tags);
    origin = origin == null ? "" : origin;
  }

  /** The text the model scores, chosen by {@code field}. */
  public String text(TextField field) {
    return field.of(this);
  }

  /** A copy available at another instant (the shuffled-timestamp control of the tests). */
  public NewsItem withAvailable(Instant t) {
    return new NewsItem(id, t, symbols, title, description, source, tags, published, origin);
  }
}
