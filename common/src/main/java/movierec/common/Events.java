package movierec.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * JSON (de)serialisation and validation of events. Producers validate before sending; the stream job parses with the
 * same rules and sends what fails to the dead-letter topic with the returned reason.
 */
public final class Events {
    /** Strict mapper: no coercion of "5" into 5.0 or of 4.5 into an integer id, so wrong types are caught. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // 4.5 is not a valid id: refuse float -> integer coercion explicitly.
        JSON.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    }

    public static final int MAX_EVENT_BYTES = 100_000;

    private Events() {}

    /** Result of parsing one record: exactly one of {@code value} and {@code error} is set. */
    public record Parsed<T>(T value, String error) {
        static <T> Parsed<T> ok(T v) {
            return new Parsed<>(v, null);
        }

        static <T> Parsed<T> fail(String e) {
            return new Parsed<>(null, e);
        }

        public boolean ok() {
            return error == null;
        }
    }

    public static byte[] toJson(Object event) {
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Parsed<RatingEvent> parseRating(byte[] bytes) {
        String bad = checkBytes(bytes);
        if (bad != null) return Parsed.fail(bad);
        RatingEvent r;
        try {
            r = JSON.readValue(bytes, RatingEvent.class);
        } catch (Exception e) {
            return Parsed.fail(jsonError(e));
        }
        String invalid = validate(r);
        return invalid == null ? Parsed.ok(r) : Parsed.fail(invalid);
    }

    public static Parsed<MovieEvent> parseMovie(byte[] bytes) {
        String bad = checkBytes(bytes);
        if (bad != null) return Parsed.fail(bad);
        MovieEvent m;
        try {
            m = JSON.readValue(bytes, MovieEvent.class);
        } catch (Exception e) {
            return Parsed.fail(jsonError(e));
        }
        String invalid = validate(m);
        return invalid == null ? Parsed.ok(m) : Parsed.fail(invalid);
    }

    /** Null when the rating event is valid, else the reason. */
    public static String validate(RatingEvent r) {
        if (r == null) return "empty event";
        if (r.userId() == null) return "missing userId";
        if (r.userId() <= 0) return "userId must be positive, got " + r.userId();
        if (r.erase() != null) return validateErasure(r);
        if (r.isDismissal()) return validateDismissal(r);
        if (r.genre() != null) return "genre is only for a dismissal (\"dismissed\": true or false)";
        if (r.movieId() == null) return "missing movieId";
        if (r.movieId() <= 0) return "movieId must be positive, got " + r.movieId();
        if (r.timestamp() == null) return "missing timestamp";
        if (r.timestamp() <= 0) return "timestamp must be epoch milliseconds > 0, got " + r.timestamp();
        if (r.erasureOffset() != null) {
            if (!r.isRetraction()) return "erasureOffset is only for a retraction (\"deleted\": true)";
            if (r.erasureOffset() < 0) return "erasureOffset must be >= 0, got " + r.erasureOffset();
        }
        if (r.isRetraction()) return null;
        return validateRating(r.rating());
    }

    /** An erasure: {@code "erase": true}, a user and a time, and nothing else. */
    private static String validateErasure(RatingEvent r) {
        if (!r.isErasure()) return "erase must be true or absent";
        if (r.movieId() != null
                || r.rating() != null
                || r.deleted() != null
                || r.dismissed() != null
                || r.genre() != null
                || r.erasureOffset() != null) return "an erasure names only a userId and a timestamp";
        if (r.timestamp() == null) return "missing timestamp";
        if (r.timestamp() <= 0) return "timestamp must be epoch milliseconds > 0, got " + r.timestamp();
        return null;
    }

    /** A dismissal: exactly one of a movie and a known genre, a time, and nothing of a rating. */
    private static String validateDismissal(RatingEvent r) {
        if (r.rating() != null || r.deleted() != null) return "a dismissal has no rating and no deleted flag";
        if ((r.movieId() == null) == (r.genre() == null)) return "a dismissal names either a movieId or a genre";
        if (r.movieId() != null && r.movieId() <= 0) return "movieId must be positive, got " + r.movieId();
        if (r.genre() != null && !Genres.TMDB.containsValue(r.genre()))
            return "unknown genre '" + r.genre() + "' (one of " + String.join(", ", Genres.TMDB.values()) + ")";
        if (r.timestamp() == null) return "missing timestamp";
        if (r.timestamp() <= 0) return "timestamp must be epoch milliseconds > 0, got " + r.timestamp();
        return null;
    }

    /** Null when {@code rating} is 0.5..5.0 on a half step, else the reason. */
    public static String validateRating(Double rating) {
        if (rating == null) return "missing rating";
        if (rating.isNaN() || rating < 0.5 || rating > 5.0) return "rating must be between 0.5 and 5.0, got " + rating;
        if (rating * 2 != Math.rint(rating * 2)) return "rating must be a multiple of 0.5, got " + rating;
        return null;
    }

    /** Null when the movie event is valid, else the reason. */
    public static String validate(MovieEvent m) {
        if (m == null) return "empty event";
        if (m.id() == null) return "missing id";
        if (m.id() <= 0) return "id must be positive, got " + m.id();
        if (m.releaseDate() != null && !m.releaseDate().isEmpty()) {
            try {
                LocalDate.parse(m.releaseDate());
            } catch (DateTimeParseException e) {
                return "release_date must be YYYY-MM-DD, got '" + m.releaseDate() + "'";
            }
        }
        if (m.voteAverage() != null && (m.voteAverage().isNaN() || m.voteAverage() < 0 || m.voteAverage() > 10)) {
            return "vote_average must be between 0 and 10, got " + m.voteAverage();
        }
        if (m.voteCount() != null && m.voteCount() < 0) return "vote_count must be >= 0, got " + m.voteCount();
        if (m.popularity() != null && (m.popularity().isNaN() || m.popularity() < 0))
            return "popularity must be >= 0, got " + m.popularity();
        // not contains(null): immutable lists throw on a null argument
        if (m.genreIds() != null && m.genreIds().stream().anyMatch(java.util.Objects::isNull))
            return "genre_ids must not contain null";
        return null;
    }

    private static String checkBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) return "empty value";
        if (bytes.length > MAX_EVENT_BYTES)
            return "value too large: " + bytes.length + " bytes (limit " + MAX_EVENT_BYTES + ")";
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            return "value is not valid UTF-8";
        }
        return null;
    }

    private static String jsonError(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int cut = msg.indexOf("\n at [Source");
        if (cut > 0) msg = msg.substring(0, cut);
        msg = msg.replaceAll("\\s+", " ").replaceAll(" \\(set DeserializationConfig[^)]*\\)", "");
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
                && !msg.startsWith("Trailing token")) return "wrong type: " + trim(msg);
        return "malformed JSON: " + trim(msg);
    }

    private static String trim(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
