package dev.bullpen.server;

import io.javalin.http.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may write (add, retry, delete): with an API token, requests that carry it as a bearer
 * token; in open mode, anyone; otherwise nobody. In every mode a write sent by a page of another
 * site (its {@code Origin} is not this server, or {@code Sec-Fetch-Site: cross-site}) is refused,
 * so a page elsewhere cannot make a visitor's browser write (CSRF).
 */
final class WriteGuard {
  private final byte[] token;
  private final boolean open;

  WriteGuard(String token, boolean open) {
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.open = open;
  }

  void check(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    String origin = ctx.header("Origin");
    if ("cross-site".equals(site) || (origin != null && !sameOrigin(origin, ctx.host()))) {
      throw new ApiError(403, "forbidden", "writes from another site's pages are refused");
    }
    if (token != null) {
      String auth = ctx.header("Authorization");
      byte[] given = auth != null && auth.startsWith("Bearer ")
          ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(given, token)) {
        ctx.header("WWW-Authenticate", "Bearer");
        throw new ApiError(401, "unauthorized", "writes need 'Authorization: Bearer <token>'"
            + " with the server's API token");
      }
      return;
    }
    if (!open) {
      throw new ApiError(403, "writes_disabled", "this server has no API token, so it refuses"
          + " writes; start it with --token (or BULLPEN_API_TOKEN), or --open on a trusted"
          + " machine");
    }
  }

  private static boolean sameOrigin(String origin, String host) {
    try {
      URI u = URI.create(origin);
      String authority = u.getRawAuthority();
      return authority != null && host != null && authority.equalsIgnoreCase(host);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
