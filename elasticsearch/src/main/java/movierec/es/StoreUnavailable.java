package movierec.es;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import java.io.IOException;

/**
 * Elasticsearch could not answer: unreachable, timed out, overloaded (429) or failing (5xx). Thrown where an
 * Elasticsearch call is made ({@link #call}); the API answers it with 503. Any other error of a call (a 4xx: a request
 * built wrong) stays what it is.
 */
public final class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }

    /** One call of the Elasticsearch client. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}; transport failures and 429/5xx answers become {@link StoreUnavailable}. */
    public static <T> T call(Call<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new StoreUnavailable("Elasticsearch is unavailable: " + e, e);
        } catch (ElasticsearchException e) {
            if (unavailable(e.status()))
                throw new StoreUnavailable("Elasticsearch is unavailable: " + e.getMessage(), e);
            throw e;
        }
    }

    /** True for an HTTP status that says "try again later" rather than "this request is wrong". */
    public static boolean unavailable(int status) {
        return status >= 500 || status == 429;
    }
}
