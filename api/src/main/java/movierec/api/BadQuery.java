package movierec.api;

/** A request the API cannot answer as asked: a parameter or body missing, malformed or out of range (400). */
public final class BadQuery extends ApiError {
    public BadQuery(String message) {
        super(400, "bad_request", message);
    }
}
