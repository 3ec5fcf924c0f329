package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The document records as the Elasticsearch client's Jackson mapper (the one {@link EsClients} uses) reads and writes them. */
class DocsTest {
    static final JsonpMapper MAPPER = new JacksonJsonpMapper();

    static <T> T read(String json, Class<T> type) {
        try (JsonParser parser = MAPPER.jsonProvider().createParser(new StringReader(json))) {
            return MAPPER.deserialize(parser, type);
        }
    }

    @Test
    void aUserDocumentAsTheStreamJobWritesIt() {
        UserDoc u = read(
                "{\"user_id\": 7, \"rating_count\": 3, \"rating_avg\": 4.0, \"top_genres\": [\"Drama\"],"
                        + " \"recent_movie_ids\": [3, 2], \"rated_movie_ids\": [1, 2, 3], \"last_rated_at\": 1700000000000,"
                        + " \"updated_at\": 1700000000001, \"embedding\": [0.5, -1.25, 0], \"model_version\": \"m1\"}",
                UserDoc.class);
        assertThat(u.userId()).isEqualTo(7);
        assertThat(u.ratingCount()).isEqualTo(3);
        assertThat(u.ratingAvg()).isEqualTo(4.0);
        assertThat(u.topGenres()).containsExactly("Drama");
        assertThat(u.ratedMovieIds()).containsExactly(1L, 2L, 3L);
        assertThat(u.embedding()).containsExactly(0.5f, -1.25f, 0f);
        assertThat(read("{\"top_genres\": []}", UserDoc.class).embedding()).isNull(); // fields not asked for
    }

    @Test
    void ratingAndMovieDocuments() {
        RatingDoc r = read(
                "{\"user_id\": 1, \"movie_id\": 2, \"rating\": 4.5, \"timestamp\": 1700000000000, \"source\": \"x\"}",
                RatingDoc.class);
        assertThat(r).isEqualTo(new RatingDoc(1L, 2L, 4.5, 1700000000000L));
        MovieVectorsDoc m = read(
                "{\"movie_id\": 5, \"title\": \"T\", \"genres\": [\"Comedy\"], \"embedding\": [1, 2]}",
                MovieVectorsDoc.class);
        assertThat(m.movieId()).isEqualTo(5);
        assertThat(m.embedding()).containsExactly(1f, 2f);
        assertThat(m.context()).isNull();
    }

    @Test
    void aModelDocumentIsWrittenWithTheIndexsFieldNames() {
        ModelDoc doc = new ModelDoc("v1", "als", Map.of("rank", 8), Map.of(), 5L, true);
        StringWriter out = new StringWriter();
        try (var generator = MAPPER.jsonProvider().createGenerator(out)) {
            MAPPER.serialize(doc, generator);
        }
        assertThat(out.toString())
                .isEqualTo(
                        "{\"version\":\"v1\",\"algorithm\":\"als\",\"params\":{\"rank\":8},\"validation\":{},\"trained_at\":5,\"current\":true}");
        assertThat(read(out.toString(), ModelDoc.class)).isEqualTo(doc);
        assertThat(List.of(read(out.toString(), ModelDoc.class).params().get("rank")))
                .containsExactly(8);
    }
}
