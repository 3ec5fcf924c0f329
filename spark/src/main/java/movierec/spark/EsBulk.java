package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code _bulk} writes by document id, so a replayed batch overwrites rather than duplicates. 429 and 5xx (whole
 * request or single items) are retried with exponential back-off; if they keep failing the exception propagates,
 * the query fails, and the restarted job replays the batch from its checkpoint: nothing is dropped.
 */
public final class EsBulk {
    private static final Logger LOG = LoggerFactory.getLogger(EsBulk.class);
    static final int CHUNK = 5_000;
    static final int ATTEMPTS = 8;

    /**
     * What {@link #writeChunk} reads of a {@code _bulk} answer: Elasticsearch leaves out each item's version, result,
     * shards and sequence numbers, which the client would otherwise parse for every document written and nothing
     * reads; {@code _index} and {@code status} stay because the client's item type requires them, {@code _id} and
     * {@code error} for the failures.
     */
    static final String BULK_ANSWER_FIELDS = "took,errors,items.*._index,items.*._id,items.*.status,items.*.error";

    /** The threads that send chunks, shared by every writer in the JVM (daemons: they never keep a JVM alive). */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "es-bulk");
        t.setDaemon(true);
        return t;
    });

    private final ElasticsearchClient es;
    private final int concurrency;

    /** {@code concurrency}: chunks in flight at once (a shard indexes one bulk request on one write thread). */
    public EsBulk(ElasticsearchClient es, int concurrency) {
        this.es = es.withTransportOptions(o -> o.setParameter("filter_path", BULK_ANSWER_FIELDS));
        this.concurrency = Math.max(1, concurrency);
    }

    /**
     * A partial update (created when missing); retried on a version conflict, since two queries update movies. Each
     * {@code doc} here is a document record of {@code movierec.es}, written by the client's Jackson mapper.
     */
    public static BulkOperation upsert(String index, String id, Object doc) {
        return BulkOperation.of(b -> b.update(u ->
                u.index(index).id(id).retryOnConflict(3).action(a -> a.doc(doc).docAsUpsert(true))));
    }

    /**
     * Indexes the document if its id is new, else applies it as a partial update: a new document costs Elasticsearch a
     * plain write, and an existing one (say with rating statistics or an embedding written by others) keeps its other
     * fields. The write answers 409 for an existing id; {@link #write} then sends the same document as an upsert.
     */
    public static BulkOperation createOrUpdate(String index, String id, Object doc) {
        return BulkOperation.of(b -> b.create(c -> c.index(index).id(id).document(doc)));
    }

    /**
     * A partial update of a document only if it exists: training's user vectors, so that a retrain never brings back
     * the document of a user erased while it ran.
     */
    public static BulkOperation updateIfExists(String index, String id, Object doc) {
        return BulkOperation.of(
                b -> b.update(u -> u.index(index).id(id).retryOnConflict(3).action(a -> a.doc(doc))));
    }

    public static BulkOperation index(String index, String id, Object doc) {
        return BulkOperation.of(b -> b.index(i -> i.index(index).id(id).document(doc)));
    }

    /**
     * Indexes the document only if {@code version} is above the stored one's (Elasticsearch's external versioning): a
     * replayed older write never replaces a newer one. Answers 409 when it is not newer, which {@link #write} accepts.
     */
    public static BulkOperation indexIfNewer(String index, String id, Object doc, long version) {
        return indexVersioned(index, id, doc, version, VersionType.External);
    }

    /**
     * Like {@link #indexIfNewer}, but also replaces a document of the same version (external_gte): the same fact,
     * completed.
     */
    public static BulkOperation indexIfNotOlder(String index, String id, Object doc, long version) {
        return indexVersioned(index, id, doc, version, VersionType.ExternalGte);
    }

    private static BulkOperation indexVersioned(String index, String id, Object doc, long version, VersionType type) {
        return BulkOperation.of(b -> b.index(
                i -> i.index(index).id(id).version(version).versionType(type).document(doc)));
    }

    public static BulkOperation delete(String index, String id) {
        return BulkOperation.of(b -> b.delete(d -> d.index(index).id(id)));
    }

    /** An {@link #indexIfNewer} or {@link #indexIfNotOlder} whose document has a newer version already. */
    private static boolean newerExists(BulkOperation op) {
        return op.isIndex()
                && (op.index().versionType() == VersionType.External
                        || op.index().versionType() == VersionType.ExternalGte);
    }

    private static BulkOperation asUpsert(BulkOperation create) {
        return upsert(
                create.create().index(), create.create().id(), create.create().document());
    }

    /** Writes every operation (see {@link Writer}) and returns once Elasticsearch acknowledged all of them. */
    public void write(List<BulkOperation> operations) {
        try (Writer w = writer()) {
            operations.forEach(w::add);
        }
    }

    /** A writer for one task's output: chunks go out while the task is still producing the next ones. */
    public Writer writer() {
        return new Writer();
    }

    /**
     * Sends each full chunk in the background as soon as it is complete, at most {@code concurrency} chunks in flight
     * (adding blocks beyond that), so a task's own work (state, serialisation) overlaps Elasticsearch's indexing
     * instead of waiting for it at the end. {@link #close} sends the rest and returns once everything is acknowledged,
     * or throws the first failure. The operations given to one writer must touch distinct documents (each sink
     * dedupes its batch), since chunks may land in any order.
     */
    public final class Writer implements AutoCloseable {
        private final Semaphore slots = new Semaphore(concurrency);
        private final List<Future<?>> sent = new ArrayList<>();
        private List<BulkOperation> chunk = new ArrayList<>();
        private long count;
        private long blockedNanos;

        private Writer() {}

        public void add(BulkOperation operation) {
            chunk.add(operation);
            count++;
            if (chunk.size() >= CHUNK) send();
        }

        /** Operations added so far. */
        public long count() {
            return count;
        }

        /** How long the task waited for Elasticsearch (a free slot, then the last acknowledgements). */
        public long blockedMs() {
            return blockedNanos / 1_000_000;
        }

        private void send() {
            List<BulkOperation> full = chunk;
            chunk = new ArrayList<>();
            long t0 = System.nanoTime();
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                blockedNanos += System.nanoTime() - t0;
            }
            sent.add(POOL.submit(() -> {
                try {
                    writeChunk(full);
                } finally {
                    slots.release();
                }
            }));
        }

        @Override
        public void close() {
            if (!chunk.isEmpty()) send();
            long t0 = System.nanoTime();
            try {
                for (Future<?> f : sent) f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                blockedNanos += System.nanoTime() - t0;
            }
        }
    }

    private void writeChunk(List<BulkOperation> chunk) {
        List<BulkOperation> pending = chunk;
        long delayMs = 500;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                List<BulkOperation> sending = pending;
                BulkResponse r = es.bulk(b -> b.operations(sending));
                if (!r.errors()) return;
                List<BulkOperation> retry = new ArrayList<>();
                List<BulkOperation> existing = new ArrayList<>();
                for (int i = 0; i < r.items().size(); i++) {
                    BulkResponseItem item = r.items().get(i);
                    if (item.error() == null) continue;
                    if (item.status() == 404 && item.operationType().jsonValue().equals("delete")) continue;
                    // an updateIfExists of a missing document (an upsert never answers this)
                    if (item.status() == 404
                            && "document_missing_exception".equals(item.error().type())) continue;
                    if (item.status() == 409 && newerExists(pending.get(i))) continue;
                    if (item.status() == 409 && pending.get(i).isCreate()) {
                        existing.add(asUpsert(pending.get(i)));
                    } else if (item.status() == 429 || item.status() >= 500) {
                        retry.add(pending.get(i));
                    } else {
                        // A document Elasticsearch rejects (mapping) would fail on every replay too: stop loudly.
                        throw new IllegalStateException("Elasticsearch rejected document " + item.id() + " in "
                                + item.index() + ": " + item.error().reason());
                    }
                }
                if (retry.isEmpty() && existing.isEmpty()) return;
                if (retry.isEmpty()) { // the ids that exist already: update them now, no back-off needed
                    pending = existing;
                    attempt--;
                    continue;
                }
                retry.addAll(existing);
                problem = retry.size() + " items answered 429/5xx";
                pending = retry;
            } catch (IllegalStateException e) {
                throw e;
            } catch (Exception e) {
                problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (attempt >= ATTEMPTS) {
                throw new IllegalStateException("bulk write failed after " + attempt + " attempts (" + problem
                        + "); the batch will be replayed");
            }
            LOG.warn("bulk write attempt {} failed ({}); retrying in {} ms", attempt, problem, delayMs);
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ie);
            }
            delayMs = Math.min(delayMs * 2, 15_000);
        }
    }
}
