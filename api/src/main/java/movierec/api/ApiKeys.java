package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import movierec.common.MovierecConfig;
import movierec.es.StoreUnavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys in the Elasticsearch index {@code api_keys} (one document per key, id = the key's id). An index rather
 * than a file under the data directory because every API process, on however many machines, must see the same keys
 * and the same revocations, and each already talks to Elasticsearch. Only the salted hash is stored ({@link ApiKey}).
 * <p>{@link #verify} keeps a record it read for {@code api.auth.cache.ms}, so the hot path is one SHA-256; a revoked
 * key therefore stops working on every API process within that time.
 */
public final class ApiKeys {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);
    /** last_used_at is written at most this often per key and process: it says "in use lately", not every request. */
    private static final long LAST_USED_RESOLUTION_MS = 60_000;

    private record Cached(ApiKey key, long readAtNanos) {}

    private final ElasticsearchClient es;
    /** The same transport, for the last-use writes no request waits for. */
    private final ElasticsearchAsyncClient async;

    private final String index;
    private final long cacheNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeys(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.async = new ElasticsearchAsyncClient(es._transport(), es._transportOptions());
        this.index = config.index("api_keys");
        this.cacheNanos = config.getInt("api.auth.cache.ms") * 1_000_000L;
    }

    /** Stores a new key and returns it with its secret: the only time the secret exists outside its client. */
    public ApiKey.Issued create(String name, Scope scope) throws IOException {
        ApiKey.Issued issued = ApiKey.issue(name, scope, System.currentTimeMillis());
        ApiKey k = issued.record();
        // wait_for: `keys list` and `keys revoke` search by name right after.
        es.create(c -> c.index(index).id(k.id()).document(ApiKeyDoc.of(k)).refresh(Refresh.WaitFor));
        LOG.info("created API key '{}' with scope {}", name, scope.label());
        return issued;
    }

    /** Every key, revoked ones too, oldest first. */
    public List<ApiKey> list() throws IOException {
        List<ApiKey> out = new ArrayList<>();
        try {
            for (Hit<ApiKeyDoc> h : es.search(
                            s -> s.index(index)
                                    .size(10_000)
                                    .sort(o ->
                                            o.field(f -> f.field("created_at").order(SortOrder.Asc))),
                            ApiKeyDoc.class)
                    .hits()
                    .hits()) {
                out.add(h.source().key(h.id()));
            }
        } catch (ElasticsearchException e) {
            if (e.status() != 404) throw e; // no api_keys index: no key exists yet
        }
        return out;
    }

    /** Revokes every active key with this name; returns how many. */
    public int revoke(String name) throws IOException {
        long now = System.currentTimeMillis();
        int n = 0;
        for (ApiKey k : list()) {
            if (!k.name().equals(name) || k.revoked()) continue;
            es.update(
                    u -> u.index(index)
                            .id(k.id())
                            .doc(Map.of("revoked_at", now))
                            .refresh(Refresh.WaitFor),
                    ApiKeyDoc.class);
            cache.remove(k.id());
            n++;
        }
        if (n > 0) LOG.info("revoked API key '{}'", name);
        return n;
    }

    /** The stored key a client presented, or null when it is malformed, unknown, revoked or its secret does not match. */
    public ApiKey verify(String presented) {
        String id = ApiKey.idOf(presented);
        if (id == null) return null;
        Cached c = cache.get(id);
        if (c == null || System.nanoTime() - c.readAtNanos() > cacheNanos) {
            ApiKey stored = read(id);
            if (stored == null || stored.revoked()) {
                cache.remove(id);
                return null;
            }
            c = new Cached(stored, System.nanoTime());
            cache.put(id, c);
            if (stored.lastUsedAt() == null
                    || System.currentTimeMillis() - stored.lastUsedAt() > LAST_USED_RESOLUTION_MS) touch(stored);
        }
        return c.key().matches(presented) ? c.key() : null;
    }

    private ApiKey read(String id) {
        try {
            GetResponse<ApiKeyDoc> r =
                    StoreUnavailable.call(() -> es.get(g -> g.index(index).id(id), ApiKeyDoc.class));
            return r.found() ? r.source().key(id) : null;
        } catch (ElasticsearchException e) {
            if (e.status() == 404) return null; // no api_keys index: no key exists yet
            throw e;
        }
    }

    /** Records the use in the background: a request never waits for this write. */
    private void touch(ApiKey key) {
        async.update(
                        // several servers (or threads) may record the same key's use at once: the last one wins
                        u -> u.index(index)
                                .id(key.id())
                                .retryOnConflict(3)
                                .doc(Map.of("last_used_at", System.currentTimeMillis())),
                        ApiKeyDoc.class)
                .whenComplete((r, e) -> {
                    if (e == null) return;
                    // still conflicting after the retries: others recorded a use of the same moment, nothing is lost
                    Throwable cause = e instanceof CompletionException ? e.getCause() : e;
                    if (cause instanceof ElasticsearchException es && es.status() == 409)
                        LOG.debug("last use of API key '{}' recorded by a concurrent request", key.name());
                    else LOG.warn("could not record the last use of API key '{}': {}", key.name(), e.getMessage());
                });
    }
}
