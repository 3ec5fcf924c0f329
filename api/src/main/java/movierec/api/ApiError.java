package movierec.api;

/** An error the API answers with its HTTP status; rendered as {@code {"error": ..., "message": ...}}. */
public class ApiError extends RuntimeException {
    private final int status;
    private final String error;

    public ApiError(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found", message);
    }
}
