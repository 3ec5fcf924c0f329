package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.EsScan;
import movierec.es.ModelDoc;
import movierec.es.VariantDoc;
import picocli.CommandLine.Command;

/** {@code movierec models}: every trained model version, every variant with its offline figures, and what is served. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description =
                "List model versions (newest first), variants with their offline NDCG@10, and the served variant.")
public final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        MovierecConfig config = Main.config();
        try (ElasticsearchClient es = EsClients.create(config)) {
            List<ModelDoc> versions = new ArrayList<>();
            EsScan.scan(
                    es,
                    config.index("models"),
                    Query.of(q -> q.bool(b -> b.must(m -> m.exists(e -> e.field("algorithm")))
                            .mustNot(m -> m.ids(i -> i.values("current"))))),
                    List.of("version"),
                    List.of("version", "algorithm", "params", "validation", "trained_at", "current"),
                    ModelDoc.class,
                    versions::add);
            versions.sort(Comparator.comparing(ModelDoc::trainedAt).reversed());
            System.out.println("model versions (newest first; the first is served):");
            for (ModelDoc m : versions)
                System.out.printf(
                        "  %-28s %-26s trained %s  validation NDCG@10 %s%n",
                        m.version(),
                        m.algorithm(),
                        Instant.ofEpochMilli(m.trainedAt()),
                        ndcg(m.validation(), "chosen"));
            Experiments experiments = new Experiments(es, config);
            Map<String, String> variants = experiments.variants();
            System.out.println("variants:");
            ModelDoc latest = versions.isEmpty() ? null : versions.get(0);
            for (Map.Entry<String, String> v : variants.entrySet()) {
                VariantDoc named = named(es, config, v.getKey());
                String offline = named != null
                        ? ndcg(named.validation(), "chosen")
                        : latest == null ? "-" : builtInNdcg(v.getValue(), latest);
                System.out.printf(
                        "  %-14s kind %-11s %s validation NDCG@10 %s%n",
                        v.getKey(),
                        v.getValue(),
                        named == null || named.version() == null ? "" : "trained as " + named.version() + ",",
                        offline);
            }
            ExperimentCommand.print(experiments.serving());
        }
        return 0;
    }

    private static VariantDoc named(ElasticsearchClient es, MovierecConfig config, String name) throws Exception {
        var r = es.get(g -> g.index(config.index("models")).id(VariantDoc.id(name)), VariantDoc.class);
        return r.found() ? r.source() : null;
    }

    /**
     * A built-in variant's figure from the latest training: the chosen blend, the blend re-ranked by transitions, or the
     * best ALS alone.
     */
    static String builtInNdcg(String kind, ModelDoc latest) {
        return switch (kind) {
            case "blend" -> ndcg(latest.validation(), "chosen");
            case "als" -> {
                Map<String, Object> best = TrainCommand.bestAls(latest.validation());
                yield best == null ? "-" : String.format("%.4f", ((Number) best.get("ndcg10")).doubleValue());
            }
            case "next" -> ndcg(latest.validation(), "next");
            default -> "- (see ./movierec evaluate: the popularity baseline)";
        };
    }

    @SuppressWarnings("unchecked")
    static String ndcg(Map<String, Object> validation, String key) {
        if (validation == null || !(validation.get(key) instanceof Map<?, ?> m)) return "-";
        Object v = ((Map<String, Object>) m).get("ndcg10");
        return v instanceof Number n ? String.format("%.4f", n.doubleValue()) : "-";
    }
}
