package io.finbert4j.trading.data;

import java.util.Locale;

/** Which text of a news item is scored ({@code --text}). */
public enum TextField {
  /** The headline. */
  TITLE("title"),
  /** The description; an empty description falls back to the title (the default, as in the platform's examples). */
  DESCRIPTION("description"),
  /** Title and description joined by ". ". */
  TITLE_DESCRIPTION("title+description");

  private final String cli;

  TextField(String cli) {
    this.cli = cli;
  }

  public String cliName() {
    return cli;
  }

  String of(NewsItem n) {
    return switch (this) {
      case TITLE -> n.title().isEmpty() ? n.description() : n.title();
      case DESCRIPTION -> n.description().isBlank() ? n.title() : n.description();
      case TITLE_DESCRIPTION -> n.title().isEmpty() ? n.description()
          : n.description().isEmpty() ? n.title() : n.title() + ". " + n.description();
    };
  }

  public static TextField parse(String s) {
    for (TextField f : values()) {
      if (f.cli.equals(s.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException("--text must be title, description or title+description, got '" + s + "'");
  }
}
