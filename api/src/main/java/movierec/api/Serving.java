package movierec.api;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.GetResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.util.List;
import movierec.common.Experiment;
import movierec.common.MovierecConfig;
import movierec.es.ExperimentDoc;
import movierec.es.ServingDoc;
import movierec.es.StoreUnavailable;

/**
 * Which variant ranks a user's recommendations: during an experiment the one the user is assigned to
 * ({@link Experiment#assign}), else the promoted one ({@link ServingDoc}; the built-in {@code blend} until anything is
 * promoted). Read from the {@code experiments} index at most once every {@link #POLL_MS} per process (one reader at a
 * time), so a {@code promote}, {@code rollback}, {@code start} or {@code stop} reaches every API server within about a
 * second, atomically per request, without a restart.
 */
final class Serving {
    static final long POLL_MS = 500;

    /** A request's variant, its kind, and the experiment that chose it (null outside one). */
    record Choice(String variant, Experiment.Kind kind, String experiment) {}

    private record Snapshot(ServingDoc serving, ExperimentDoc running) {}

    private final ElasticsearchClient es;
    private final String index;
    private final Polled<Snapshot> snapshot = new Polled<>(this::load);

    Serving(ElasticsearchClient es, MovierecConfig config) {
        this.es = es;
        this.index = config.index("experiments");
    }

    Choice choose(long userId) {
        Snapshot s = snapshot.get(POLL_MS);
        if (s.running() == null) return promoted(s);
        return running(
                s, Experiment.assign(s.running().salt(), userId, s.running().split()));
    }

    /** An anonymous visitor: by the id their client sends; without one, the promoted variant. */
    Choice chooseVisitor(String visitorId) {
        Snapshot s = snapshot.get(POLL_MS);
        if (s.running() == null || visitorId == null) return promoted(s);
        return running(
                s,
                Experiment.assignVisitor(
                        s.running().salt(), visitorId, s.running().split()));
    }

    private static Choice running(Snapshot s, String variant) {
        return new Choice(
                variant, kind(s.running().kinds().get(variant)), s.running().name());
    }

    private static Choice promoted(Snapshot s) {
        return new Choice(s.serving().variant(), kind(s.serving().kind()), null);
    }

    private static Experiment.Kind kind(String label) {
        Experiment.Kind k = Experiment.Kind.of(label);
        return k == null ? Experiment.Kind.BLEND : k;
    }

    private Snapshot load() {
        GetResponse<ServingDoc> serving =
                StoreUnavailable.call(() -> es.get(g -> g.index(index).id(ServingDoc.ID), ServingDoc.class));
        List<Hit<ExperimentDoc>> running = StoreUnavailable.call(() -> es.search(
                        s -> s.index(index)
                                .size(1)
                                .query(q -> q.term(t -> t.field("status").value(ExperimentDoc.RUNNING)))
                                .sort(o -> o.field(f -> f.field("started_at").order(SortOrder.Desc))),
                        ExperimentDoc.class))
                .hits()
                .hits();
        return new Snapshot(
                serving.found() ? serving.source() : ServingDoc.DEFAULT,
                running.isEmpty() ? null : running.get(0).source());
    }
}
