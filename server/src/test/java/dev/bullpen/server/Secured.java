package dev.bullpen.server;

/** Tokens and options of a production-mode server for the security tests. */
final class Secured {
  static final String VIEWER = "viewer-token-0123456789abcdef";
  static final String OPERATOR = "operator-token-0123456789abcdef";
  static final String ADMIN = "admin-token-0123456789abcdef";
  static final String SECRET = "a-job-token-secret-of-at-least-32-bytes!";

  private Secured() {}

  /** Loopback, any port, one token per role, a fixed job token secret, no rate limits. */
  static ServerOptions.Builder options() {
    return ServerOptions.builder().host("127.0.0.1").port(0)
        .token("alice", Role.VIEWER, ApiTokens.hash(VIEWER))
        .tokens("ci:operator:" + ApiTokens.hash(OPERATOR) + ", root:admin:"
            + ApiTokens.hash(ADMIN))
        .jobTokenSecret(SECRET)
        .ipRateLimit(0, 0).tokenRateLimit(0, 0);
  }

  static String[] bearer(String token) {
    return new String[] {"Authorization", "Bearer " + token};
  }
}
