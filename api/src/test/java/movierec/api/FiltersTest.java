package movierec.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FiltersTest {
    @Test
    void noFiltersNoClauses() {
        assertThat(Filters.NONE.queries(Set.of(), null)).isEmpty();
        assertThat(Filters.NONE.queries(Set.of(), List.of())).isEmpty();
    }

    @Test
    void eachFilterIsOneClause() {
        var clauses = new Filters("Comedy", 1990, null)
                .queries(Set.of(7L), List.of("Drama", "Crime")).stream()
                        .map(Object::toString)
                        .toList();
        assertThat(clauses).hasSize(4);
        assertThat(clauses.get(0)).contains("\"term\"").contains("\"genres\"").contains("Comedy");
        assertThat(clauses.get(1)).contains("\"terms\"").contains("Drama").contains("Crime");
        assertThat(clauses.get(2))
                .contains("\"release_year\"")
                .contains("\"gte\":1990")
                .doesNotContain("lte");
        assertThat(clauses.get(3)).contains("must_not").contains("\"movie_id\":[7]");
    }

    @Test
    void exclusionsJoinTheRequestsOwnAndPrintAlikeInAnyOrder() {
        assertThat(Filters.NONE.excluding(null, List.of())).isSameAs(Filters.NONE);
        Filters f = Filters.genre("Comedy").excluding(List.of(9L, 3L), null).excluding(List.of(3L), List.of("Horror"));
        assertThat(f.excludeIds()).containsExactly(3L, 9L);
        assertThat(f).isEqualTo(Filters.genre("Comedy").excluding(List.of(3L, 9L), List.of("Horror")));
        assertThat(f.toString())
                .isEqualTo(Filters.genre("Comedy")
                        .excluding(List.of(9L, 3L), List.of("Horror"))
                        .toString());
        var clauses = f.queries(Set.of(7L), null).stream().map(Object::toString).toList();
        assertThat(clauses).hasSize(3);
        assertThat(clauses.get(1)).contains("must_not").contains("\"movie_id\":[3,7,9]");
        assertThat(clauses.get(2)).contains("must_not").contains("\"genres\":[\"Horror\"]");
    }
}
