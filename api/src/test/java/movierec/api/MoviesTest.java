package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MoviesTest {
    @Test
    void aSummaryHasTheIdFirstThenTheServedFieldsItHasAndNothingElse() {
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("title", "Toy Story");
        src.put("embedding", List.of(0.1, 0.2));
        src.put("movie_id", 1);
        src.put("genres", List.of("Animation"));
        Map<String, Object> summary = Movies.summary(src);
        assertThat(summary.keySet()).containsExactly("id", "title", "genres");
        assertThat(summary.get("id")).isEqualTo(1);
    }
}
