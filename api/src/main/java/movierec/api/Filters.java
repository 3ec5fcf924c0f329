package movierec.api;

import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Optional filters of a request for movies: a genre, a range of release years, and movies and genres to leave out
 * (a request's {@code exclude=}, a user's dismissals).
 */
public record Filters(String genre, Integer minYear, Integer maxYear, Set<Long> excludeIds, Set<String> excludeGenres) {
    public static final Filters NONE = new Filters(null, null, null);

    /** Sorted copies, so equal filters print (and so key a cache) alike. */
    public Filters {
        excludeIds = excludeIds == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(excludeIds));
        excludeGenres =
                excludeGenres == null ? Set.of() : java.util.Collections.unmodifiableSet(new TreeSet<>(excludeGenres));
    }

    public Filters(String genre, Integer minYear, Integer maxYear) {
        this(genre, minYear, maxYear, Set.of(), Set.of());
    }

    /** These filters, also leaving out {@code ids} and movies of {@code genres} (either may be null). */
    public Filters excluding(Collection<Long> ids, Collection<String> genres) {
        // the usual case on the hot path (no exclude=, no dismissals): nothing to copy
        if ((ids == null || ids.isEmpty()) && (genres == null || genres.isEmpty())) return this;
        Set<Long> i = new TreeSet<>(excludeIds);
        if (ids != null) i.addAll(ids);
        Set<String> g = new TreeSet<>(excludeGenres);
        if (genres != null) g.addAll(genres);
        return new Filters(genre, minYear, maxYear, i, g);
    }

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
        Set<Long> left = new TreeSet<>(exclude);
        left.addAll(excludeIds);
        if (!left.isEmpty()) {
            List<FieldValue> ids = left.stream().map(FieldValue::of).toList();
            out.add(Query.of(q -> q.bool(b ->
                    b.mustNot(mn -> mn.terms(t -> t.field("movie_id").terms(v -> v.value(ids)))))));
        }
        if (!excludeGenres.isEmpty()) {
            List<FieldValue> g = excludeGenres.stream().map(FieldValue::of).toList();
            out.add(Query.of(q ->
                    q.bool(b -> b.mustNot(mn -> mn.terms(t -> t.field("genres").terms(v -> v.value(g)))))));
        }
        return out;
    }
}
