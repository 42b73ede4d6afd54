package dev.bullpen.server;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers every answer carries, set by a Jetty customizer before any handler runs, so static
 * files, errors and other branches' routes get them too. The policy allows this server's own
 * scripts, styles, fetches and images and nothing else: no inline script, no framing by any
 * page (clickjacking), no MIME sniffing, no {@code Referer} (job links carry tokens).
 */
final class SecurityHeaders {
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  static void apply(HttpServletResponse res) {
    res.setHeader("Content-Security-Policy", CSP);
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  }
}
