package movierec.api;

/** One recommended movie (its summary), its score and why. */
public record Recommendation(MovieSummary movie, double score, String reason) {
    public long movieId() {
        return movie.id();
    }
}
