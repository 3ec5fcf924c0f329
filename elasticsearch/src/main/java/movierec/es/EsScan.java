package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/** Reads every document of an index in pages ({@code search_after} on a unique sort), as records. */
public final class EsScan {
    private EsScan() {}

    /** The documents matching {@code query} (null: all), read as {@code type} by the client's Jackson mapper. */
    public static <T> long scan(
            ElasticsearchClient es,
            String index,
            Query query,
            List<String> sortFields,
            List<String> fields,
            Class<T> type,
            Consumer<T> each)
            throws IOException {
        List<FieldValue> after = null;
        long n = 0;
        while (true) {
            final List<FieldValue> from = after;
            SearchResponse<T> r = es.search(
                    s -> {
                        s.index(index)
                                .size(10_000)
                                .source(src -> src.filter(f -> f.includes(fields)))
                                .trackTotalHits(t -> t.enabled(false));
                        for (String f : sortFields)
                            s.sort(o -> o.field(fl -> fl.field(f).order(SortOrder.Asc)));
                        if (query != null) s.query(query);
                        if (from != null) s.searchAfter(from);
                        return s;
                    },
                    type);
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
