package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenreTasteTest {
    @Test
    void theTermsOfTheRatedMoviesSumToTheGenrePartOfTheScore() {
        List<List<String>> rated =
                List.of(List.of("Animation", "Comedy"), List.of("Drama"), List.of("Comedy", "no such genre"));
        List<String> target = List.of("Comedy", "Drama", "Horror");
        double[] terms = GenreTaste.terms(rated, target);
        double score = Vectors.dot(GenreTaste.userVector(rated), GenreTaste.itemVector(target));
        assertThat(Arrays.stream(terms).sum()).isCloseTo(score, within(1e-6));
        double unit = GenreTaste.weight(3) / 4; // four known genres among three movies
        assertThat(terms).containsExactly(new double[] {unit, unit, unit}, within(1e-12));
    }

    @Test
    void noKnownGenresNoTerms() {
        assertThat(GenreTaste.terms(List.of(List.of("no such genre")), List.of("Drama")))
                .containsExactly(0.0);
    }
}
