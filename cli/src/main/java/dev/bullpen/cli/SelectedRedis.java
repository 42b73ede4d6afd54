package dev.bullpen.cli;

/**
 * The Redis a command runs against, as {@link RedisSelector} chose it; closing it stops and
 * removes the server when it is a private one, and does nothing otherwise.
 */
final class SelectedRedis implements AutoCloseable {
  /** Where the Redis comes from. */
  enum Kind {
    /** {@code --redis} or {@code $BULLPEN_REDIS_URL}. */
    CONFIGURED,
    /** The Redis answering on localhost:6379. */
    LOCAL,
    /** A private server started for this run (installed redis-server or the jar's own). */
    PRIVATE
  }

  private final Kind kind;
  private final String uri;
  private final String description;
  private final String announcement;
  private final Runnable stop;
  private boolean closed;

  /**
   * @param description a short name for summaries, e.g. "a private redis-server"
   * @param announcement the line telling the user which Redis is used and why
   * @param stop stops a private server; a no-op otherwise
   */
  SelectedRedis(Kind kind, String uri, String description, String announcement, Runnable stop) {
    this.kind = kind;
    this.uri = uri;
    this.description = description;
    this.announcement = announcement;
    this.stop = stop;
  }

  Kind kind() {
    return kind;
  }

  String uri() {
    return uri;
  }

  String description() {
    return description;
  }

  String announcement() {
    return announcement;
  }

  /** Returns a copy with another announcement (the selector words it after starting). */
  SelectedRedis announcing(String text) {
    return new SelectedRedis(kind, uri, description, text, stop);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      stop.run();
    }
  }
}
