package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON of the movie documents the movies query writes, from rows the real parse and enrichment produce. */
class MoviesSinkTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aMovieWithEveryFieldHasTheMappingsFieldNames() {
        Row r = enriched("{\"id\":862,\"tmdb_id\":862,\"title\":\"Toy Story\",\"overview\":\"Led by Woody.\","
                + "\"genre_ids\":[16,35],\"original_language\":\"en\",\"release_date\":\"1995-10-30\","
                + "\"vote_average\":8.0,\"vote_count\":100,\"popularity\":0.0,\"poster_path\":\"/p.jpg\",\"runtime\":81,"
                + "\"director\":\"John Lasseter\",\"source\":\"tmdb\"}");
        assertThat(EsJson.of(MoviesSink.document(r, 2000)))
                .isEqualTo("{\"id\":\"862\",\"movie_id\":862,\"tmdb_id\":862,\"title\":\"Toy Story\","
                        + "\"overview\":\"Led by Woody.\",\"description\":\"Toy Story. Led by Woody.\","
                        + "\"original_language\":\"en\",\"language\":\"English\",\"release_year\":1995,"
                        + "\"vote_average\":8.0,\"vote_average_norm\":0.8,\"vote_count\":100,\"popularity\":0.0,"
                        + "\"popularity_norm\":0.0,\"runtime\":81,\"director\":\"John Lasseter\",\"poster_path\":\"/p.jpg\","
                        + "\"source\":\"tmdb\",\"release_date\":\"1995-10-30\",\"genre_ids\":[16,35],"
                        + "\"genres\":[\"Animation\",\"Comedy\"],\"updated_at\":2000}");
    }

    @Test
    void absentValuesAreLeftOutSoAnUpdateKeepsTheStoredOnes() {
        assertThat(EsJson.of(MoviesSink.document(enriched("{\"id\":2,\"title\":\"Up\"}"), 2000)))
                .isEqualTo("{\"id\":\"2\",\"movie_id\":2,\"title\":\"Up\",\"description\":\"Up\",\"genre_ids\":[],"
                        + "\"genres\":[],\"updated_at\":2000}");
    }

    private static Row enriched(String event) {
        List<Row> kafka = new ArrayList<>();
        kafka.add(RowFactory.create(
                null, event.getBytes(StandardCharsets.UTF_8), "movies", 0, 0L, new java.sql.Timestamp(0)));
        return MovieTransforms.enrich(MovieTransforms.parse(spark.createDataFrame(kafka, MovieTransformsTest.KAFKA)))
                .collectAsList()
                .get(0);
    }
}
