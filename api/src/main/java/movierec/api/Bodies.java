package movierec.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import movierec.common.Events;

/** Parsing and checks of request bodies: every failure is a {@link BadQuery} naming the problem (or a 413). */
final class Bodies {
    private Bodies() {}

    /** A rating to write: {@code {"movieId": ..., "rating": ...}}. */
    record Rating(long movieId, double rating) {}

    /** A dismissal: {@code {"movieId": ...}} or {@code {"genre": ...}}; exactly one of the two is set. */
    record Dismissal(Long movieId, String genre) {}

    /**
     * An anonymous request: the visitor's ratings in the order given (oldest first), how many movies to answer and how
     * diverse (0..1).
     */
    record Anonymous(Map<Long, Double> ratings, int k, double diversity, String visitorId) {}

    static Rating rating(byte[] bytes) {
        JsonNode body = object(bytes);
        JsonNode movieNode = body.get("movieId");
        JsonNode ratingNode = body.get("rating");
        if (movieNode == null
                || !movieNode.isIntegralNumber()
                || !movieNode.canConvertToLong()
                || movieNode.asLong() <= 0
                || movieNode.asLong() > Integer.MAX_VALUE) {
            throw new BadQuery("movieId must be a positive integer");
        }
        if (ratingNode == null || !ratingNode.isNumber())
            throw new BadQuery("rating must be a number from 0.5 to 5.0 in steps of 0.5");
        String invalid = Events.validateRating(ratingNode.asDouble());
        if (invalid != null) throw new BadQuery(invalid);
        return new Rating(movieNode.asLong(), ratingNode.asDouble());
    }

    static Dismissal dismissal(byte[] bytes) {
        JsonNode body = object(bytes);
        JsonNode movieNode = body.get("movieId");
        JsonNode genreNode = body.get("genre");
        if ((movieNode == null) == (genreNode == null))
            throw new BadQuery("give either movieId (a movie) or genre (a whole genre) to dismiss");
        if (movieNode != null) {
            if (!movieNode.isIntegralNumber()
                    || !movieNode.canConvertToLong()
                    || movieNode.asLong() <= 0
                    || movieNode.asLong() > Integer.MAX_VALUE) throw new BadQuery("movieId must be a positive integer");
            return new Dismissal(movieNode.asLong(), null);
        }
        if (!genreNode.isTextual()) throw new BadQuery("genre must be a genre name such as \"Horror\"");
        return new Dismissal(null, genre(genreNode.asText()));
    }

    /** A known genre name, or a 400 listing them. */
    static String genre(String name) {
        if (!movierec.common.Genres.TMDB.containsValue(name))
            throw new BadQuery("unknown genre '" + Params.clip(name) + "': one of "
                    + String.join(", ", movierec.common.Genres.TMDB.values()));
        return name;
    }

    static Anonymous anonymous(byte[] bytes) {
        JsonNode body = object(bytes);
        JsonNode ratings = body.get("ratings");
        if (ratings == null || !ratings.isArray() || ratings.isEmpty() || ratings.size() > 100) {
            throw new BadQuery("ratings must be an array of 1 to 100 {movieId, rating} objects");
        }
        int k = 10;
        if (body.has("k")) {
            JsonNode kn = body.get("k");
            if (!kn.isIntegralNumber() || !kn.canConvertToInt() || kn.asInt() < 1 || kn.asInt() > 100)
                throw new BadQuery("k must be an integer from 1 to 100");
            k = kn.asInt();
        }
        double diversity = 0;
        if (body.has("diversity")) {
            JsonNode d = body.get("diversity");
            // JSON has no NaN or Infinity, and a number beyond double's range reads as Infinity: out of range too.
            if (!d.isNumber() || !(d.asDouble() >= 0 && d.asDouble() <= 1))
                throw new BadQuery("diversity must be a number from 0 to 1");
            diversity = d.asDouble();
        }
        String visitorId = null;
        if (body.has("visitorId")) {
            JsonNode v = body.get("visitorId");
            if (!v.isTextual() || !v.asText().matches("[A-Za-z0-9._:-]{1,100}"))
                throw new BadQuery("visitorId must be 1 to 100 of A-Z, a-z, 0-9, '.', '_', ':' and '-'");
            visitorId = v.asText();
        }
        Map<Long, Double> given = new LinkedHashMap<>();
        for (JsonNode r : ratings) {
            JsonNode m = r.get("movieId");
            JsonNode v = r.get("rating");
            if (m == null
                    || !m.isIntegralNumber()
                    || !m.canConvertToLong()
                    || m.asLong() <= 0
                    || m.asLong() > Integer.MAX_VALUE) {
                throw new BadQuery("each rating needs a movieId that is a positive integer up to " + Integer.MAX_VALUE);
            }
            if (v == null || !v.isNumber()) throw new BadQuery("each rating needs a numeric rating");
            String invalid = Events.validateRating(v.asDouble());
            if (invalid != null) throw new BadQuery(invalid);
            given.put(m.asLong(), v.asDouble());
        }
        return new Anonymous(given, k, diversity, visitorId);
    }

    /** The body as one JSON object. */
    static JsonNode object(byte[] bytes) {
        // Content-Length is checked by Jetty; a chunked body has none, so check what actually arrived.
        if (bytes.length > ApiServer.MAX_BODY_BYTES) {
            throw new ApiError(
                    413, "payload_too_large", "request body is larger than " + ApiServer.MAX_BODY_BYTES + " bytes");
        }
        String raw = new String(bytes, StandardCharsets.UTF_8);
        if (raw.isBlank()) throw new BadQuery("request body must be a JSON object");
        try {
            JsonNode n = ApiServer.JSON
                    .readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(raw);
            if (n == null || !n.isObject()) throw new BadQuery("request body must be a JSON object");
            return n;
        } catch (IOException e) {
            throw new BadQuery("request body is not valid JSON");
        }
    }
}
