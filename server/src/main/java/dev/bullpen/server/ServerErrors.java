package dev.bullpen.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bullpen.RedisUnavailableException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writing JSON answers and the one error shape; reading bodies within the size limit. */
final class ServerErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ServerErrors.class);

  private ServerErrors() {}

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.write(body));
  }

  static void write(Context ctx, ApiError e) {
    ObjectNode n = Json.object();
    n.put("error", e.code);
    n.put("message", e.getMessage());
    if (e.retryAfterSeconds > 0) {
      ctx.header("Retry-After", Long.toString(e.retryAfterSeconds));
    } else if (e.status == 503) {
      ctx.header("Retry-After", "5");
    }
    if (e.status == 401) {
      ctx.header("WWW-Authenticate", "Bearer");
    }
    ctx.header("Cache-Control", "no-store");
    json(ctx, e.status, n);
  }

  /** Maps any failure to the error it is answered with. */
  static ApiError toApiError(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ApiError) {
      return (ApiError) e;
    }
    if (e instanceof dev.bullpen.RedisOutOfMemoryException) {
      // Nothing was written; the client may retry once Redis has room (or retention ran).
      return new ApiError(507, "redis_full", e.getMessage());
    }
    if (e instanceof RedisUnavailableException) {
      return ApiError.unavailable(e.getMessage());
    }
    if (e instanceof IllegalArgumentException) {
      return ApiError.badRequest(e.getMessage());
    }
    LOG.error("request failed", e);
    return new ApiError(500, "internal", "the server failed; see its log");
  }

  /** The status {@link #toApiError} answers {@code e} with, without logging anything. */
  static int statusOf(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ApiError a) {
      return a.status;
    }
    if (e instanceof io.javalin.http.HttpResponseException h) {
      return h.getStatus();
    }
    if (e instanceof dev.bullpen.RedisOutOfMemoryException) {
      return 507;
    }
    if (e instanceof RedisUnavailableException) {
      return 503;
    }
    return e instanceof IllegalArgumentException ? 400 : 500;
  }

  /** The request body as UTF-8 text; 413 past {@code max} bytes, read or announced. */
  static String body(Context ctx, int max) {
    long announced = ctx.req().getContentLengthLong();
    if (announced > max) {
      throw tooLarge(max);
    }
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > max) {
          throw tooLarge(max);
        }
        out.write(buf, 0, n);
      }
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(out.toByteArray())).toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("the request body is not valid UTF-8");
    } catch (IOException e) {
      throw ApiError.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  private static ApiError tooLarge(int max) {
    return new ApiError(413, "payload_too_large", "the request body is over the limit of " + max
        + " bytes");
  }
}
