package dev.bullpen.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Making bearer tokens and the hashes a server is configured with. The server never stores a
 * token, only {@code sha256:<hex>} of it, so a leaked configuration does not leak access.
 *
 * <pre>{@code
 * String token = ApiTokens.generate();          // give this to the caller, once
 * String hash = ApiTokens.hash(token);          // "sha256:9f86d0..."; put this in the config
 * ServerOptions.builder().token("ci", Role.OPERATOR, hash)
 * }</pre>
 * From a shell: {@code bullpen token --name ci --role operator}, or
 * {@code printf %s "$TOKEN" | sha256sum}.
 */
public final class ApiTokens {
  /** Shortest token accepted, in characters. */
  public static final int MIN_TOKEN_LENGTH = 16;

  private ApiTokens() {}

  /** A new random token: 32 random bytes, base64url (43 characters). */
  public static String generate() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** {@code sha256:<lower-case hex>} of the token's UTF-8 bytes. */
  public static String hash(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("token must not be empty");
    }
    return "sha256:" + HexFormat.of().formatHex(sha256(token));
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The 32 digest bytes of a {@code sha256:<hex>} hash; names {@code field} when malformed. */
  static byte[] parseHash(String field, String hash) {
    String h = hash == null ? "" : hash.trim();
    if (!h.regionMatches(true, 0, "sha256:", 0, 7) || h.length() != 7 + 64) {
      throw new IllegalArgumentException(field + " must be sha256:<64 hex digits> (see"
          + " ApiTokens.hash or 'bullpen token'), got '" + abbreviate(h) + "'");
    }
    try {
      return HexFormat.of().parseHex(h.substring(7).toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be sha256:<64 hex digits>, got '"
          + abbreviate(h) + "'");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "…" : s;
  }
}
