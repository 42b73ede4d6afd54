package dev.bullpen.server;

/**
 * An HTTP error answered as {@code {"error": code, "message": text}} with its status code.
 * Thrown by handlers; one exception handler in {@link BullpenServer} writes it.
 */
final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int status;
  final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
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
