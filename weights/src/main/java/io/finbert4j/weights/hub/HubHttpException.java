package io.finbert4j.weights.hub;

import java.io.IOException;
import java.net.URI;

/** The hub answered a request with an error status (401/403 auth, 404 not found, 5xx...). */
public class HubHttpException extends IOException {
  private final int status;
  private final URI uri;

  public HubHttpException(int status, URI uri, String message) {
    super(message);
    this.status = status;
    this.uri = uri;
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The URL that failed. */
  public URI uri() {
    return uri;
  }

  /** Whether the file (or repository / revision) does not exist. */
  public boolean isNotFound() {
    return status == 404;
  }
}
