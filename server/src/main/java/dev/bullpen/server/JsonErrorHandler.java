package dev.bullpen.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own errors (a request it refuses before Bullpen sees it: headers too large, an
 * ambiguous or malformed URI) in the API's one shape {@code {"error", "message"}}, never HTML.
 */
final class JsonErrorHandler extends ErrorHandler {
  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    fields.put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
    return ByteBuffer.wrap(body(status, reason).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.setHeader("Cache-Control", "no-store");
    SecurityHeaders.apply(response);
    response.getOutputStream().write(body(code, message).getBytes(StandardCharsets.UTF_8));
  }

  static String body(int status, String reason) {
    String code = status == 404 ? "not_found" : status == 431 ? "headers_too_large"
        : status == 413 ? "payload_too_large" : status >= 500 ? "internal" : "bad_request";
    String message = reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason;
    if (status == 431) {
      message = "the request headers are over the server's limit";
    }
    return Json.write(Json.object().put("error", code).put("message", message));
  }
}
