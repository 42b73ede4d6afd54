package dev.bullpen.server;

/**
 * An HTTP error answered as {@code {"error": code, "message": text}} with its status code.
 * Thrown by handlers; one exception handler in {@link BullpenServer} writes it.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;
  /** Seconds for a {@code Retry-After} header; 0 for none (a 503 then says 5). */
  final long retryAfterSeconds;

  ApiError(int status, String code, String message) {
    this(status, code, message, 0);
  }

  ApiError(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  static ApiError tooManyRequests(String message, long retryAfterSeconds) {
    return new ApiError(429, "too_many_requests", message, retryAfterSeconds);
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message);
  }
}
