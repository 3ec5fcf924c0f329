package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** Reads every document of an index in pages ({@code search_after}), as records. */
public final class EsScan {
    private static final String KEEP_ALIVE = "2m";

    private EsScan() {}

    /**
     * The documents matching {@code query} (null: all), read as {@code type} by the client's Jackson mapper, in the order
     * of {@code sortFields}, which together must be unique.
     */
    public static <T> long scan(
            ElasticsearchClient es,
            String index,
            Query query,
            List<String> sortFields,
            List<String> fields,
            Class<T> type,
            Consumer<T> each)
            throws IOException {
        return pages(es, s -> s.index(index), query, sortFields, fields, type, r -> r, each);
    }

    /**
     * As {@link #scan}, but {@code sortFields} need not be unique: the pages are read from a point in time of the index
     * (one consistent view of it), where Elasticsearch breaks ties by each document's place ({@code _shard_doc}). For an
     * index with no unique field worth its doc values.
     */
    public static <T> long scanPointInTime(
            ElasticsearchClient es,
            String index,
            Query query,
            List<String> sortFields,
            List<String> fields,
            Class<T> type,
            Consumer<T> each)
            throws IOException {
        String[] pit = {
            es.openPointInTime(p -> p.index(index).keepAlive(t -> t.time(KEEP_ALIVE)))
                    .id()
        };
        try {
            return pages(
                    es,
                    s -> s.pit(p -> p.id(pit[0]).keepAlive(t -> t.time(KEEP_ALIVE))),
                    query,
                    sortFields,
                    fields,
                    type,
                    r -> {
                        if (r.pitId() != null) pit[0] = r.pitId(); // Elasticsearch may move it on
                        return r;
                    },
                    each);
        } finally {
            es.closePointInTime(c -> c.id(pit[0]));
        }
    }

    private static <T> long pages(
            ElasticsearchClient es,
            Consumer<SearchRequest.Builder> target,
            Query query,
            List<String> sortFields,
            List<String> fields,
            Class<T> type,
            UnaryOperator<SearchResponse<T>> seen,
            Consumer<T> each)
            throws IOException {
        List<FieldValue> after = null;
        long n = 0;
        while (true) {
            final List<FieldValue> from = after;
            SearchResponse<T> r = seen.apply(es.search(
                    s -> {
                        target.accept(s);
                        s.size(10_000)
                                .source(src -> src.filter(f -> f.includes(fields)))
                                .trackTotalHits(t -> t.enabled(false));
                        for (String f : sortFields)
                            s.sort(o -> o.field(fl -> fl.field(f).order(SortOrder.Asc)));
                        if (query != null) s.query(query);
                        if (from != null) s.searchAfter(from);
                        return s;
                    },
                    type));
            List<Hit<T>> hits = r.hits().hits();
            if (hits.isEmpty()) return n;
            for (Hit<T> h : hits) {
                each.accept(h.source());
                n++;
            }
            after = hits.get(hits.size() - 1).sort();
        }
    }
}
