package dev.bullpen.server;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring tokens that let one person read one job without a role token: the job's
 * status, page, logs and event stream. Job ids are sequential and easy to guess, so a job page
 * link for an end user carries such a token ({@code /jobs/videos/42?token=...}).
 *
 * <pre>{@code
 * String link = server.signedJobUrl("videos", job.id(), Duration.ofHours(24));
 * // or, in another process that shares the secret:
 * JobTokens tokens = JobTokens.of(secret);
 * String token = tokens.mint("videos", job.id(), Duration.ofHours(24));
 * }</pre>
 *
 * <p>A token is {@code <expiry epoch seconds>.<base64url HMAC-SHA256>} over the scope, queue,
 * job id and expiry, keyed by the server's secret ({@link ServerOptions.Builder#jobTokenSecret}).
 * It cannot be widened to another job or extended; it stops working at its expiry or when the
 * secret changes. Event-stream tokens ({@link #mintStream}) are a separate scope that only opens
 * the event stream, so a short-lived URL in a proxy log is worth little. Thread-safe.
 */
public final class JobTokens {
  /** Shortest secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 32;
  /** Longest lifetime of a token. */
  public static final Duration MAX_TTL = Duration.ofDays(366);

  static final String SCOPE_JOB = "job";
  static final String SCOPE_STREAM = "sse";

  private final SecretKeySpec key;
  private final Clock clock;

  private JobTokens(byte[] secret, Clock clock) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("the job token secret must be at least "
          + MIN_SECRET_BYTES + " bytes, got " + (secret == null ? 0 : secret.length));
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.clock = clock;
  }

  /** Tokens signed with {@code secret} (at least {@value #MIN_SECRET_BYTES} bytes). */
  public static JobTokens of(byte[] secret) {
    return new JobTokens(secret, Clock.systemUTC());
  }

  /** Tokens signed with the UTF-8 bytes of {@code secret}. */
  public static JobTokens of(String secret) {
    return of(secret == null ? null : secret.getBytes(StandardCharsets.UTF_8));
  }

  static JobTokens of(byte[] secret, Clock clock) {
    return new JobTokens(secret, clock);
  }

  /** A random secret of 32 bytes. */
  static byte[] randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** A token for reading job {@code id} of {@code queue}, valid for {@code ttl}. */
  public String mint(String queue, String id, Duration ttl) {
    return mint(SCOPE_JOB, queue, id, ttl);
  }

  /** A token that only opens the event stream of job {@code id}, valid for {@code ttl}. */
  public String mintStream(String queue, String id, Duration ttl) {
    return mint(SCOPE_STREAM, queue, id, ttl);
  }

  /** When a token minted now with {@code ttl} expires. */
  Instant expiry(Duration ttl) {
    return Instant.ofEpochSecond(clock.instant().plus(ttl).getEpochSecond());
  }

  String mint(String scope, String queue, String id, Duration ttl) {
    if (queue == null || queue.isEmpty() || id == null || id.isEmpty()) {
      throw new IllegalArgumentException("queue and job id must not be empty");
    }
    if (ttl == null || ttl.getSeconds() < 1 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("a job token lives 1 s to 366 days, got " + ttl);
    }
    long expires = expiry(ttl).getEpochSecond();
    return expires + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac(scope, queue, id, expires));
  }

  /** Whether {@code token} is a job token for this job that has not expired. */
  public boolean verify(String token, String queue, String id) {
    return verify(SCOPE_JOB, token, queue, id);
  }

  boolean verify(String scope, String token, String queue, String id) {
    if (token == null || queue == null || id == null || token.length() > 128) {
      return false;
    }
    int dot = token.indexOf('.');
    if (dot < 1 || dot > 19) {
      return false;
    }
    long expires;
    byte[] given;
    try {
      expires = Long.parseLong(token.substring(0, dot));
      given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (expires < clock.instant().getEpochSecond()) {
      return false;
    }
    return MessageDigest.isEqual(given, mac(scope, queue, id, expires));
  }

  private byte[] mac(String scope, String queue, String id, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      // Length-prefixed fields: no two (queue, id) pairs give the same input.
      for (String part : new String[] {"bullpen-job-token-v1", scope, queue, id,
          Long.toString(expires)}) {
        byte[] b = part.getBytes(StandardCharsets.UTF_8);
        mac.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) ':');
        mac.update(b);
      }
      return mac.doFinal();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
