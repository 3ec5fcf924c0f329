package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import movierec.cli.Experiments;
import movierec.cli.RespondingUsers;
import movierec.common.Experiment;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ExperimentDoc;
import org.junit.jupiter.api.Test;

/**
 * An experiment end to end: popularity against the served model, with simulated users who rate what they are shown by
 * a hidden taste; each user sees one variant only, every list is logged with its variant, and the report declares the
 * model better with p < 0.05. Then {@code promote} and {@code rollback} switch what everyone gets, with no restart and
 * not one failed request under load.
 */
class ExperimentIT {
    /** Users of the bundled data no other test touches. */
    static final List<Long> USERS =
            java.util.stream.LongStream.rangeClosed(401, 671).boxed().toList();

    @Test
    void popularityLosesToTheModelThenPromoteAndRollbackSwitchWithoutAFailedRequest() throws Exception {
        MovierecConfig c = ApiFixture.config();
        String name = "popularity-vs-blend-" + (System.nanoTime() & 0xffff);
        try (ElasticsearchClient es = EsClients.create(c)) {
            Experiments experiments = new Experiments(es, c);
            ExperimentDoc e = experiments.start(name, "popularity=50,blend=50");
            // the API reads the experiment within half a second of its refresh
            long user = USERS.get(0);
            String expected = Experiment.assign(e.salt(), user, e.split());
            TestStack.await("the API to serve the experiment", 30_000, () -> expected.equals(variantOf(user)));

            RespondingUsers.Result run = new RespondingUsers(
                            es, c, ApiFixture.baseUrl(), ApiFixture.localKey(), System.out)
                    .run(USERS, 15, 60, 7);
            assertThat(run.failures()).isZero();
            assertThat(run.listsByVariant()).containsOnlyKeys("popularity", "blend");

            // every list served is in the impressions index, each user's under one variant only
            TestStack.await(
                    "the run's lists to be indexed",
                    120_000,
                    () -> servedDuring(es, c, e).size() >= run.lists());
            Map<Long, Set<String>> variantsOfUser = new HashMap<>();
            for (JsonNode i : servedDuring(es, c, e)) {
                variantsOfUser
                        .computeIfAbsent(i.path("user_id").asLong(), u -> new java.util.HashSet<>())
                        .add(i.path("variant").asText());
            }
            for (Map.Entry<Long, Set<String>> u : variantsOfUser.entrySet())
                assertThat(u.getValue())
                        .as("variants user " + u.getKey() + " saw")
                        .containsExactly(Experiment.assign(e.salt(), u.getKey(), e.split()));

            experiments.stop(name);
            // the run's ratings must be in the ratings index before the report joins them
            Thread.sleep(3_000);
            Experiments.Report report = experiments.report(name, 30 * 60_000L);
            Experiments.VariantResult popularity = report.variants().get(0);
            Experiments.VariantResult blend = report.variants().get(1);
            System.out.printf(
                    "experiment: popularity %.4f [%.4f, %.4f] over %d lists, blend %.4f [%.4f, %.4f] over %d lists, p %.3g%n",
                    popularity.rate().rate(),
                    popularity.rate().low95(),
                    popularity.rate().high95(),
                    popularity.rate().impressions(),
                    blend.rate().rate(),
                    blend.rate().low95(),
                    blend.rate().high95(),
                    blend.rate().impressions(),
                    blend.vsControl().pValue());
            assertThat(popularity.variant()).isEqualTo("popularity");
            assertThat(blend.rate().impressions()).isPositive();
            assertThat(blend.vsControl().difference()).isPositive();
            assertThat(blend.vsControl().pValue()).isLessThan(0.05);
            assertThat(experiments.get(name).report()).containsKey("variants");

            // promote and roll back while 8 clients keep asking: every answer 200, the switch within seconds
            AtomicBoolean loading = new AtomicBoolean(true);
            List<Integer> failures = new CopyOnWriteArrayList<>();
            Map<String, Integer> seen = new ConcurrentHashMap<>();
            ExecutorService load = Executors.newFixedThreadPool(8);
            for (int t = 0; t < 8; t++) {
                int seed = t;
                load.execute(() -> {
                    Random r = new Random(seed);
                    while (loading.get()) {
                        try {
                            ReadYourWritesIT.Res res = ReadYourWritesIT.call(
                                    "GET",
                                    "/api/users/" + USERS.get(r.nextInt(USERS.size())) + "/recommendations?k=10",
                                    null);
                            if (res.status() != 200) failures.add(res.status());
                            else seen.merge(res.json().path("variant").asText(), 1, Integer::sum);
                        } catch (Exception ex) {
                            failures.add(-1);
                        }
                    }
                });
            }
            Thread.sleep(2_000);
            experiments.promote("als");
            TestStack.await(
                    "everyone to get als",
                    10_000,
                    () -> "als".equals(variantOf(USERS.get(1))) && "als".equals(variantOf(USERS.get(2))));
            Thread.sleep(2_000);
            experiments.rollback();
            TestStack.await("everyone to get blend again", 10_000, () -> "blend".equals(variantOf(USERS.get(1))));
            Thread.sleep(2_000);
            loading.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(failures)
                    .as("failed requests across promote and rollback")
                    .isEmpty();
            assertThat(seen).containsKeys("als", "blend");
        }
    }

    static String variantOf(long user) {
        try {
            return ReadYourWritesIT.call("GET", "/api/users/" + user + "/recommendations?k=10", null)
                    .json()
                    .path("variant")
                    .asText();
        } catch (Exception e) {
            return null;
        }
    }

    /** The recommendation lists indexed for the experiment's variants since it started. */
    static List<JsonNode> servedDuring(ElasticsearchClient es, MovierecConfig c, ExperimentDoc e) {
        try {
            es.indices().refresh(r -> r.index(c.index("impressions")));
            List<JsonNode> out = new ArrayList<>();
            es.search(
                            s -> s.index(c.index("impressions"))
                                    .size(10_000)
                                    .query(q -> q.bool(b -> b.filter(f ->
                                                    f.term(t -> t.field("list").value("recommendations")))
                                            .filter(f -> f.range(r -> r.untyped(u -> u.field("served_at")
                                                    .gte(co.elastic.clients.json.JsonData.of(e.startedAt())))))
                                            .filter(f -> f.terms(t -> t.field("variant")
                                                    .terms(v -> v.value(List.of(
                                                            co.elastic.clients.elasticsearch._types.FieldValue.of(
                                                                    "popularity"),
                                                            co.elastic.clients.elasticsearch._types.FieldValue.of(
                                                                    "blend")))))))),
                            JsonNode.class)
                    .hits()
                    .hits()
                    .forEach(h -> out.add(h.source()));
            return out;
        } catch (Exception ex) {
            return List.of();
        }
    }
}
