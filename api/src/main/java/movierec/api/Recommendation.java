package movierec.api;

import java.util.Map;

/** One recommended movie (its summary, see {@link Movies#summary}), its score and why. */
public record Recommendation(Map<String, Object> movie, double score, String reason) {
    public long movieId() {
        return ((Number) movie.get("id")).longValue();
    }
}
