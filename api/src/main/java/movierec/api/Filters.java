package movierec.api;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Optional filters of a request for movies: a genre and a range of release years. */
public record Filters(String genre, Integer minYear, Integer maxYear) {
    public static final Filters NONE = new Filters(null, null, null);

    /** Only in {@code genre}, nothing else. */
    public static Filters genre(String genre) {
        return new Filters(genre, null, null);
    }

    /** The filter clauses: these filters, none of {@code exclude}, and (when given) any of {@code anyGenre}. */
    List<Query> queries(Set<Long> exclude, Collection<String> anyGenre) {
        List<Query> out = new ArrayList<>();
        if (genre != null) out.add(Query.of(q -> q.term(t -> t.field("genres").value(genre))));
        if (anyGenre != null && !anyGenre.isEmpty()) {
            List<FieldValue> g = anyGenre.stream().map(FieldValue::of).toList();
            out.add(Query.of(q -> q.terms(t -> t.field("genres").terms(v -> v.value(g)))));
        }
        if (minYear != null || maxYear != null) {
            out.add(Query.of(q -> q.range(r -> r.number(n -> {
                n.field("release_year");
                if (minYear != null) n.gte(minYear.doubleValue());
                if (maxYear != null) n.lte(maxYear.doubleValue());
                return n;
            }))));
        }
        if (!exclude.isEmpty()) {
            List<FieldValue> ids = exclude.stream().map(FieldValue::of).toList();
            out.add(Query.of(q -> q.bool(b ->
                    b.mustNot(mn -> mn.terms(t -> t.field("movie_id").terms(v -> v.value(ids)))))));
        }
        return out;
    }
}
