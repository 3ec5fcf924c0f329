package movierec.kafka.collect;

/**
 * A collector run failed. The message is meant for the user as is: it names the source, the page and what went wrong,
 * and never contains credentials (URLs in it have their {@code api_key} parameter stripped).
 */
public class CollectException extends RuntimeException {
    public CollectException(String message) {
        super(message);
    }
}
