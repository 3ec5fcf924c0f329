package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import java.util.Map;
import java.util.concurrent.Callable;
import movierec.common.Experiment;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelDoc;
import movierec.es.VariantDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Trains the ALS model on the ratings in Elasticsearch and publishes its vectors; optionally names it a variant. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train ALS (implicit feedback, tuned on a validation split), write movie and user vectors, publish the model.")
public final class TrainCommand implements Callable<Integer> {
    @Option(
            names = "--variant",
            description = "Also publish it as this variant (a-z, 0-9, -, _), for experiments: see movierec models.")
    String variant;

    @Option(
            names = "--kind",
            defaultValue = "blend",
            description = "The variant's kind: blend (the whole model), als (its ALS part alone), next (the blend's"
                    + " top 100 re-ranked by what follows the user's last movies) or popularity (no training: the most"
                    + " rated movies). Default ${DEFAULT-VALUE}.")
    String kind;

    @Override
    public Integer call() throws Exception {
        Experiment.Kind k = Experiment.Kind.of(kind);
        if (k == null) throw new IllegalArgumentException("unknown kind " + kind + ": blend, als, next or popularity");
        if (variant != null && (!variant.matches("[a-z0-9_-]{1,40}") || Experiments.BUILT_IN.contains(variant)))
            throw new IllegalArgumentException(
                    "variant names are 1-40 of a-z, 0-9, - and _, other than " + Experiments.BUILT_IN);
        MovierecConfig config = Main.config();
        if (k != Experiment.Kind.POPULARITY) {
            long t0 = System.nanoTime();
            new Stack(config).train(System.out);
            System.out.printf("trained in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        }
        if (variant == null) return 0;
        try (ElasticsearchClient es = EsClients.create(config)) {
            VariantDoc doc = variantDoc(es, config, k);
            es.index(i -> i.index(config.index("models"))
                    .id(VariantDoc.id(variant))
                    .document(doc)
                    .refresh(Refresh.WaitFor));
            System.out.printf(
                    "variant %s (%s)%s published%n",
                    variant, k.label(), doc.version() == null ? "" : " of model " + doc.version());
        }
        return 0;
    }

    /** The variant's record: the model version just trained and that kind's validation figures from it. */
    private VariantDoc variantDoc(ElasticsearchClient es, MovierecConfig config, Experiment.Kind k) throws Exception {
        if (k == Experiment.Kind.POPULARITY)
            return new VariantDoc(variant, k.label(), null, null, System.currentTimeMillis());
        var current = es.get(g -> g.index(config.index("models")).id("current"), ModelDoc.class);
        if (!current.found()) throw new IllegalStateException("no model was published: see the training's output");
        ModelDoc m = current.source();
        Map<String, Object> chosen = k == Experiment.Kind.ALS
                ? bestAls(m.validation())
                : castMap(m.validation() == null ? null : m.validation().get("chosen"));
        return new VariantDoc(
                variant, k.label(), m.version(), chosen == null ? null : Map.of("chosen", chosen), m.trainedAt());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return o instanceof Map<?, ?> map ? (Map<String, Object>) map : null;
    }

    /** The ALS grid's best entry (by NDCG@10) of a model's validation figures. */
    static Map<String, Object> bestAls(Map<String, Object> validation) {
        Map<String, Object> grid = castMap(validation == null ? null : validation.get("als_grid"));
        if (grid == null) return null;
        Map<String, Object> best = null;
        for (Object entry : grid.values()) {
            Map<String, Object> m = castMap(entry);
            if (m == null || !(m.get("ndcg10") instanceof Number n)) continue;
            if (best == null || n.doubleValue() > ((Number) best.get("ndcg10")).doubleValue()) best = m;
        }
        return best;
    }
}
