package movierec.es;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.core.search.ResponseBody;
import co.elastic.clients.elasticsearch.indices.GetAliasResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import movierec.common.MovierecConfig;

/**
 * Creates the versioned indices behind their aliases ({@code movies_v1} behind {@code movies}, ...) from the JSON
 * mappings in this module, and moves an alias to a new version by reindexing. Idempotent: an existing alias keeps
 * its index and gains the fields added to its mapping file since.
 */
public final class IndexBootstrap {
    public static final List<String> INDICES = List.of(
            "movies",
            "users",
            "ratings",
            "models",
            "api_keys",
            "stream_progress",
            "impressions",
            "experiments",
            "erasures");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ElasticsearchClient es;
    private final MovierecConfig config;

    public IndexBootstrap(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.config = config;
    }

    /** Ensures every alias exists; returns the indices it created. */
    public List<String> ensure() throws IOException {
        List<String> created = new ArrayList<>();
        for (String name : INDICES) {
            String alias = config.index(name);
            if (es.indices().existsAlias(a -> a.name(alias)).value()) {
                addNewFields(name, alias);
                continue;
            }
            String index = alias + "_v1";
            if (!es.indices().exists(e -> e.index(index)).value()) {
                createIndex(name, index);
                created.add(index);
            }
            es.indices()
                    .updateAliases(u -> u.actions(
                            a -> a.add(ad -> ad.index(index).alias(alias).isWriteIndex(true))));
        }
        return created;
    }

    /**
     * Before a model writes its vectors: migrates {@code name} (see {@link #migrate}) when its live mapping is older
     * than the mapping file (a field missing) or its {@code embedding} holds vectors of another size. The copy leaves
     * vectors out (Elasticsearch keeps them out of {@code _source}); they are model output and are rewritten next.
     */
    public void ensureVectorDims(Map<String, Integer> embeddingDims) throws IOException {
        for (Map.Entry<String, Integer> e : embeddingDims.entrySet()) {
            var file = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(mapping(e.getKey()))
                    .path("mappings")
                    .path("properties");
            Set<String> fields = new TreeSet<>();
            file.fieldNames().forEachRemaining(fields::add);
            var wantedType = file.at("/embedding/index_options/type");
            String index = currentIndex(e.getKey());
            var properties = es.indices()
                    .getMapping(g -> g.index(index))
                    .get(index)
                    .mappings()
                    .properties();
            var embedding = properties.get("embedding");
            Integer dims = embedding != null && embedding.isDenseVector()
                    ? embedding.denseVector().dims()
                    : null;
            String options = embedding != null
                            && embedding.isDenseVector()
                            && embedding.denseVector().indexOptions() != null
                    ? embedding.denseVector().indexOptions().type().jsonValue()
                    : null;
            boolean stale = !properties.keySet().containsAll(fields)
                    || (dims != null && dims.intValue() != e.getValue())
                    || (options != null && !options.equals(wantedType.isMissingNode() ? null : wantedType.asText()));
            if (stale) migrate(e.getKey());
        }
    }

    /** The concrete index an alias points at, e.g. {@code movies_v1}. */
    public String currentIndex(String name) throws IOException {
        String alias = config.index(name);
        GetAliasResponse r = es.indices().getAlias(g -> g.name(alias));
        Set<String> indices = new TreeSet<>(r.aliases().keySet());
        if (indices.size() != 1)
            throw new IllegalStateException("alias " + alias + " points at " + indices + ", expected one index");
        return indices.iterator().next();
    }

    /**
     * Moves alias {@code name} to the next version: creates {@code name_v(N+1)} from the current mapping file,
     * copies the documents, then swaps the alias atomically. Readers use the alias throughout, so they never see a gap.
     * Writes that land on the old index during the reindex are copied by a second, catch-up reindex before the swap.
     */
    public String migrate(String name) throws IOException {
        String from = currentIndex(name);
        int version = Integer.parseInt(from.substring(from.lastIndexOf("_v") + 2));
        String to = config.index(name) + "_v" + (version + 1);
        if (!es.indices().exists(e -> e.index(to)).value()) createIndex(name, to);
        reindex(from, to, false);
        String alias = config.index(name);
        es.indices()
                .updateAliases(u -> u.actions(a -> a.remove(r -> r.index(from).alias(alias)))
                        .actions(a -> a.add(ad -> ad.index(to).alias(alias).isWriteIndex(true))));
        reindex(from, to, true); // catch up on documents created between the first copy and the swap
        return to;
    }

    /**
     * Copies every document of {@code from} into {@code to} with the same id (scroll + {@code _bulk}: this
     * Elasticsearch distribution has no reindex module). With {@code onlyMissing}, documents the target already has are
     * kept, so the catch-up pass never overwrites what live writers put there after the swap.
     */
    @SuppressWarnings("rawtypes")
    private void reindex(String from, String to, boolean onlyMissing) throws IOException {
        es.indices().refresh(r -> r.index(from));
        ResponseBody<Map> page = es.search(s -> s.index(from).size(1000).scroll(t -> t.time("2m")), Map.class);
        String scrollId = page.scrollId();
        try {
            while (!page.hits().hits().isEmpty()) {
                List<BulkOperation> ops = new ArrayList<>();
                for (Hit<Map> h : page.hits().hits()) {
                    Map doc = h.source();
                    ops.add(
                            onlyMissing
                                    ? BulkOperation.of(b ->
                                            b.create(c -> c.index(to).id(h.id()).document(doc)))
                                    : BulkOperation.of(b ->
                                            b.index(i -> i.index(to).id(h.id()).document(doc))));
                }
                BulkResponse r = es.bulk(b -> b.operations(ops));
                if (r.errors()) {
                    for (var item : r.items()) {
                        if (item.error() != null && item.status() != 409) {
                            throw new IllegalStateException("copying " + from + " to " + to + " failed at " + item.id()
                                    + ": " + item.error().reason());
                        }
                    }
                }
                String id = scrollId;
                page = es.scroll(s -> s.scrollId(id).scroll(t -> t.time("2m")), Map.class);
                scrollId = page.scrollId();
            }
        } finally {
            String id = scrollId;
            if (id != null) es.clearScroll(c -> c.scrollId(id));
        }
        es.indices().refresh(r -> r.index(to));
    }

    /**
     * Puts the fields added to the mapping file since an existing index was created on it (only those: a field it has
     * keeps its live definition, such as a vector's dimensions; changing one needs {@link #migrate}).
     */
    private void addNewFields(String name, String alias) throws IOException {
        Set<String> live = new TreeSet<>();
        es.indices()
                .getMapping(g -> g.index(alias))
                .mappings()
                .values()
                .forEach(m -> live.addAll(m.mappings().properties().keySet()));
        ObjectNode added = JSON.createObjectNode();
        JSON.readTree(mapping(name))
                .path("mappings")
                .path("properties")
                .fields()
                .forEachRemaining(f -> {
                    if (!live.contains(f.getKey())) added.set(f.getKey(), f.getValue());
                });
        if (added.isEmpty()) return;
        String json = JSON.writeValueAsString(JSON.createObjectNode().set("properties", added));
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            es.indices().putMapping(p -> p.index(alias).withJson(in));
        }
    }

    private void createIndex(String name, String index) throws IOException {
        String json = mapping(name)
                .replace("${refresh_interval}", config.get("es.refresh.interval"))
                .replace("${replicas}", config.get("es.replicas"));
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            es.indices().create(c -> c.index(index).withJson(in));
        }
    }

    static String mapping(String name) {
        try (InputStream in = IndexBootstrap.class.getResourceAsStream("/movierec/es/" + name + ".json")) {
            if (in == null) throw new IllegalStateException("no mapping file for index " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
