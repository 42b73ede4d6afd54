package dev.bullpen.cli;

/**
 * The user's input is wrong (malformed JSON, a bad value): reported as one line on stderr with
 * exit code {@link Main#USAGE}, before anything is written to Redis.
 */
final class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidInputException(String message) {
    super(message);
  }

  InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
