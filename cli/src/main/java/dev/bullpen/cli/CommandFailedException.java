package dev.bullpen.cli;

/**
 * A command could not do its work for a reason the user can act on (no Redis to be had, say):
 * reported as one line on stderr with exit code {@link Main#FAILED}.
 */
final class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
