package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The transformations on a local SparkSession, with exact expected values. */
class MovieTransformsTest {
    static SparkSession spark;

    static final StructType KAFKA = new StructType()
            .add("key", DataTypes.BinaryType)
            .add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType);

    @BeforeAll
    static void start() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Dataset<Row> kafka(String... values) {
        return kafkaOn("movies", values);
    }

    static Dataset<Row> kafkaOn(String topic, String... values) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            rows.add(RowFactory.create(
                    null,
                    values[i].getBytes(StandardCharsets.UTF_8),
                    topic,
                    0,
                    (long) i,
                    new java.sql.Timestamp(1_000_000L + i)));
        }
        return spark.createDataFrame(rows, KAFKA);
    }

    @Test
    void enrichComputesEveryDerivedField() {
        Row r = MovieTransforms.enrich(
                        MovieTransforms.parse(
                                kafka(
                                        "{\"id\":862,\"title\":\"Toy Story\",\"overview\":\"Led by Woody.\",\"genre_ids\":[16,35,99999],"
                                                + "\"original_language\":\"en\",\"release_date\":\"1995-10-30\",\"vote_average\":7.9,\"popularity\":99.0}")))
                .collectAsList()
                .get(0);
        assertThat(r.<String>getAs("description")).isEqualTo("Toy Story. Led by Woody.");
        assertThat(r.<Double>getAs("vote_average_norm")).isEqualTo(0.79, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.<Double>getAs("popularity_norm"))
                .isEqualTo(Math.log1p(99.0) / Math.log1p(1000.0), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.<Date>getAs("release_date")).isEqualTo(Date.valueOf("1995-10-30"));
        assertThat(r.<Integer>getAs("release_year")).isEqualTo(1995);
        assertThat(r.getList(r.fieldIndex("genres"))).containsExactly("Animation", "Comedy");
        assertThat(r.<String>getAs("language")).isEqualTo("English");
    }

    @Test
    void descriptionFallsBackToTitleAndIsNeverEmpty() {
        List<Row> rows = MovieTransforms.withDescription(MovieTransforms.parse(kafka(
                        "{\"id\":1,\"title\":\"Heat\"}",
                        "{\"id\":2,\"title\":\"Up\",\"overview\":\"  \"}",
                        "{\"id\":3}")))
                .orderBy("id")
                .collectAsList();
        assertThat(rows)
                .extracting(r -> r.<String>getAs("description"))
                .containsExactly("Heat", "Up", "Untitled movie 3");
    }

    @Test
    void popularityNormIsCappedAndNullStaysNull() {
        List<Row> rows = MovieTransforms.withPopularityNorm(MovieTransforms.parse(
                        kafka("{\"id\":1,\"popularity\":5000}", "{\"id\":2}", "{\"id\":3,\"popularity\":0}")))
                .orderBy("id")
                .collectAsList();
        assertThat(rows).extracting(r -> r.<Double>getAs("popularity_norm")).containsExactly(1.0, null, 0.0);
    }

    @Test
    void invalidRecordsCarryTheirReasonAndValidOnesNone() {
        List<Row> rows = MovieTransforms.parse(kafka(
                        "{\"id\":1,\"title\":\"A\"}",
                        "{oops",
                        "{\"title\":\"no id\"}",
                        "{\"id\":4,\"release_date\":\"30/10/1995\"}"))
                .orderBy("offset")
                .collectAsList();
        assertThat(rows)
                .extracting(r -> r.<String>getAs("error"))
                .containsExactly(
                        null,
                        rows.get(1).getAs("error"),
                        "missing id",
                        "release_date must be YYYY-MM-DD, got '30/10/1995'");
        assertThat(rows.get(1).<String>getAs("error")).startsWith("malformed JSON:");
    }

    @Test
    void ratingsAndMoviesParseOnceWithTheProducersRulesIntoMovieKeyedEvents() {
        List<Row> rows = RatingTransforms.parse(
                        kafka(
                                "{\"userId\":7,\"movieId\":5,\"rating\":3.5,\"timestamp\":100,\"source\":\"api\"}",
                                "{\"userId\":7,\"movieId\":5,\"rating\":7,\"timestamp\":100}",
                                "not json",
                                "{\"userId\":7,\"movieId\":6,\"timestamp\":200,\"deleted\":true}",
                                "{\"userId\":7,\"movieId\":6,\"timestamp\":300,\"dismissed\":true}",
                                "{\"userId\":7,\"genre\":\"Horror\",\"timestamp\":400,\"dismissed\":false}"),
                        "the-movies-topic",
                        "the-erasures-topic")
                .collectAsList();
        // Kafka's receipt time travels with each event: where event -> applied latency starts
        assertThat(rows.get(0).<Long>getAs("producedAt")).isEqualTo(1_000_000L);
        // dismissals: a movie's under the movie, a genre's under their own key, neither with a rating
        assertThat(rows.get(4).<Boolean>getAs("dismissed")).isTrue();
        assertThat(rows.get(4).<Long>getAs("movieId")).isEqualTo(6L);
        assertThat(rows.get(4).<Double>getAs("rating")).isNull();
        assertThat(rows.get(5).<Boolean>getAs("dismissed")).isFalse();
        assertThat(rows.get(5).<Long>getAs("movieId")).isEqualTo(RatingsByMovie.GENRE_DISMISSALS);
        assertThat(rows.get(5).<String>getAs("dismissedGenre")).isEqualTo("Horror");
        assertThat(rows.get(0).<String>getAs("error")).isNull();
        assertThat(rows.get(0).<Long>getAs("userId")).isEqualTo(7L);
        assertThat(rows.get(0).<Long>getAs("movieId")).isEqualTo(5L);
        assertThat(rows.get(0).<Double>getAs("rating")).isEqualTo(3.5);
        assertThat(rows.get(0).<String>getAs("source")).isEqualTo("api");
        assertThat(rows.get(0).<Boolean>getAs("movie")).isFalse();
        assertThat(rows.get(1).<String>getAs("error")).contains("rating");
        assertThat(rows.get(2).<String>getAs("error")).isNotBlank();
        assertThat(rows.get(3).<Double>getAs("rating"))
                .as("a retraction has no rating")
                .isNull();
        assertThat(rows).extracting(r -> r.<Long>getAs("offset")).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);

        Row movie = RatingTransforms.parse(
                        kafka("{\"id\":9,\"title\":\"A\",\"genre_ids\":[16,35,16,4242]}"), "movies", "erasures")
                .first();
        assertThat(movie.<Boolean>getAs("movie")).isTrue();
        assertThat(movie.<Long>getAs("movieId")).isEqualTo(9L);
        assertThat(movie.getList(movie.fieldIndex("genres"))).containsExactly("Animation", "Comedy");
    }

    @Test
    void anErasurePassesUnderItsOwnKeyAndOnlyTheStreamJobsTopicCarriesItsRetractions() {
        String retraction = "{\"userId\":7,\"movieId\":5,\"timestamp\":9,\"deleted\":true,\"erasureOffset\":41}";
        List<Row> ratings = RatingTransforms.parse(
                        kafkaOn("ratings", "{\"userId\":7,\"timestamp\":9,\"erase\":true}", retraction),
                        "movies",
                        "erasures")
                .orderBy("offset")
                .collectAsList();
        assertThat(ratings.get(0).<Long>getAs("movieId")).isEqualTo(RatingsByMovie.ERASURES);
        assertThat(ratings.get(0).<Boolean>getAs("erase")).isTrue();
        assertThat(ratings.get(1).<String>getAs("error"))
                .isEqualTo("erasureOffset is only for the stream job's erasures topic");
        List<Row> internal = RatingTransforms.parse(
                        kafkaOn("erasures", retraction, "{\"userId\":7,\"movieId\":5,\"rating\":4.0,\"timestamp\":9}"),
                        "movies",
                        "erasures")
                .orderBy("offset")
                .collectAsList();
        assertThat(internal.get(0).<Long>getAs("movieId")).isEqualTo(5L);
        assertThat(internal.get(0).<Long>getAs("erasureOffset")).isEqualTo(41L);
        assertThat(internal.get(0).<Double>getAs("rating")).isNull();
        assertThat(internal.get(1).<String>getAs("error")).startsWith("erasureOffset is only for");
    }
}
