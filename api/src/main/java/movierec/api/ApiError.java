package movierec.api;

/** A client or availability error with its HTTP status; rendered as {@code {"error": ..., "message": ...}}. */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String error;

  public ApiError(int status, String error, String message) {
    super(message);
    this.status = status;
    this.error = error;
  }

  public int status() { return status; }

  public String error() { return error; }

  public static ApiError badRequest(String message) { return new ApiError(400, "bad_request", message); }

  public static ApiError notFound(String message) { return new ApiError(404, "not_found", message); }

  public static ApiError unavailable(String message) { return new ApiError(503, "unavailable", message); }
}
