package dev.bullpen.server;

/**
 * What a caller may do; each route declares the least role it needs and a bearer token carries
 * one role (see {@link ServerOptions.Builder#token}). Roles are ordered: an operator may do all
 * a viewer may, an admin all an operator may.
 *
 * <ul>
 *   <li>{@link #ANONYMOUS}: no credentials in any mode (liveness, readiness, the index page).
 *   <li>{@link #PUBLIC}: one job's status, page, logs and events: any role token, a signed job
 *       token for that job ({@link JobTokens}), or anyone in open mode.
 *   <li>{@link #VIEWER}, {@link #OPERATOR}, {@link #ADMIN}: a token of that role or higher, or
 *       anyone in open mode.
 * </ul>
 */
public enum Role {
  /** Needs no credentials in any mode: health probes and pages that hold no data. */
  ANONYMOUS,
  /** Reads of one job (status, page, logs, events): a role token or that job's signed token. */
  PUBLIC,
  /** Reads of queues, lists, stats and the dashboard. */
  VIEWER,
  /** Day-to-day actions: add, retry, promote, pause, resume. */
  OPERATOR,
  /** Destructive or wide actions: remove, clean, retry-all, dead-letter requeue, Redis doctor. */
  ADMIN;

  /** Whether a caller with this role may use a route that needs {@code needed}. */
  public boolean allows(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  /** The lower-case word used in configuration and messages ({@code viewer}, ...). */
  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The role a token may carry, from its word: {@code viewer}, {@code operator}, {@code admin}. */
  public static Role ofTokenWord(String word) {
    if (word != null) {
      switch (word.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "viewer":
          return VIEWER;
        case "operator":
          return OPERATOR;
        case "admin":
          return ADMIN;
        default:
          break;
      }
    }
    throw new IllegalArgumentException("a token's role must be viewer, operator or admin, got '"
        + word + "'");
  }
}
