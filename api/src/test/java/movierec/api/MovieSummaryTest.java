package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MovieSummaryTest {
    /** The Elasticsearch client's mapper, which reads the stored source. */
    private static final ObjectMapper STORE = new JacksonJsonpMapper().objectMapper();

    @Test
    void aStoredMovieIsServedWithItsIdFirstAndOnlyTheFieldsItHas() throws Exception {
        MovieSummary m = STORE.readValue(
                "{\"title\":\"Toy Story\",\"movie_id\":1,\"genres\":[\"Animation\"],\"vote_average\":7.0,"
                        + "\"vote_count\":5,\"rating_avg\":4.0}",
                MovieSummary.class);
        assertThat(ApiServer.JSON.writeValueAsString(m))
                .isEqualTo("{\"id\":1,\"title\":\"Toy Story\",\"genres\":[\"Animation\"],\"vote_average\":7.0,"
                        + "\"vote_count\":5,\"rating_avg\":4.0}");
    }

    @Test
    void theSummaryServesExactlyTheFieldsReadInTheirOrder() {
        MovieSummary all = new MovieSummary(
                1, "t", List.of("g"), "1995-10-30", 1995, "en", "o", "d", 81, 7.7, 5L, 3L, 4.5, 1.5, "/p.jpg");
        List<String> served = new ArrayList<>();
        ApiServer.JSON.valueToTree(all).fieldNames().forEachRemaining(served::add);
        List<String> read =
                Movies.FIELDS.stream().map(f -> f.equals("movie_id") ? "id" : f).toList();
        assertThat(served).isEqualTo(read);
    }
}
