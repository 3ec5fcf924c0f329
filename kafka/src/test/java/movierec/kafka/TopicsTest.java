package movierec.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import movierec.common.MovierecConfig;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.junit.jupiter.api.Test;

class TopicsTest {
    final MovierecConfig config =
            MovierecConfig.load(Path.of("."), Map.of(), new Properties()).with(Map.of("namespace", "ns_"));

    /** "user op resource" for every grant, e.g. "movierec-api WRITE ns_ratings". */
    List<String> grants() {
        return Topics.acls(config).stream().map(TopicsTest::describe).toList();
    }

    static String describe(AclBinding b) {
        return b.entry().principal().substring("User:".length()) + " "
                + b.entry().operation() + " " + b.pattern().name()
                + (b.pattern().patternType() == PatternType.PREFIXED ? "*" : "");
    }

    @Test
    void onlyTheProducersWriteAndOnlyTheStreamJobReadsMoviesAndRatings() {
        List<String> g = grants();
        assertThat(g.stream().filter(s -> s.matches(".* WRITE ns_(movies|ratings)")))
                .containsExactlyInAnyOrder(
                        "movierec-api WRITE ns_ratings",
                        "movierec-cli WRITE ns_movies",
                        "movierec-cli WRITE ns_ratings");
        assertThat(g.stream().filter(s -> s.matches(".* READ ns_(movies|ratings)")))
                .containsExactlyInAnyOrder("movierec-stream READ ns_movies", "movierec-stream READ ns_ratings");
        assertThat(g)
                .contains(
                        "movierec-stream WRITE ns_movies.dlq",
                        "movierec-stream WRITE ns_ratings.dlq",
                        "movierec-stream WRITE ns_ratings.pairs",
                        "movierec-stream READ ns_ratings.pairs",
                        "movierec-stream WRITE ns_ratings.erasures",
                        "movierec-stream READ ns_ratings.erasures",
                        "movierec-stream READ ns_movierec-stream*",
                        "movierec-cli READ ns_ratings.dlq",
                        "movierec-cli DESCRIBE ns_ratings.pairs");
        // only the stream job touches its internal topics' records
        assertThat(g.stream().filter(s -> s.matches(".* (READ|WRITE) ns_ratings\\.(pairs|erasures)")))
                .allMatch(s -> s.startsWith("movierec-stream "));
        assertThat(g).contains("movierec-stream READ ns_impressions");
        assertThat(g.stream().filter(s -> s.startsWith("movierec-api")))
                .containsExactlyInAnyOrder("movierec-api WRITE ns_ratings", "movierec-api WRITE ns_impressions");
        assertThat(g).noneMatch(s -> s.contains(" ALL ") || s.contains("CREATE") || s.contains("ALTER"));
    }
}
