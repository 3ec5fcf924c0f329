package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.HealthStatus;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import movierec.api.ApiKeys;
import movierec.common.KafkaClientSecurity;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;

/** Each component: up or down, pid, port, health; document counts; the stream job's last batch and lag. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show what runs and how it is doing.")
public final class StatusCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        MovierecConfig config = Main.config();
        Stack stack = new Stack(config);
        boolean clusterMode = LocalCluster.active(config);
        boolean kafkaOk = LocalKafka.reachable(config, 3);
        if (clusterMode) {
            clusterRows(stack.cluster());
        } else {
            row(
                    "kafka",
                    config.localKafka() ? new LocalProcess(config, "kafka") : null,
                    config.kafkaBootstrap(),
                    kafkaOk ? "ok" : "unreachable");
        }
        System.out.println("  kafka auth: " + KafkaClientSecurity.describe(config));
        HealthStatus health;
        try (ElasticsearchClient es = EsClients.create(config)) {
            health = EsClients.health(es);
            if (!clusterMode) {
                row(
                        "elasticsearch",
                        config.localElasticsearch() ? new LocalProcess(config, "elasticsearch") : null,
                        config.esUrl(),
                        health == null ? "unreachable" : health.jsonValue());
            }
            if (health != null) {
                StringBuilder counts = new StringBuilder("  documents:");
                for (String name : new String[] {"movies", "ratings", "users"}) {
                    long n;
                    try {
                        n = es.count(c -> c.index(config.index(name))).count();
                    } catch (Exception e) {
                        n = -1;
                    }
                    counts.append(String.format("  %s %s", name, n < 0 ? "(missing)" : String.format("%,d", n)));
                }
                System.out.println(counts);
                System.out.println(auth(config, es));
                System.out.println("  elasticsearch: " + EsClients.describeSecurity(config));
            }
        }
        JsonNode status = Waits.streamStatus(config);
        String streamHealth = "no batch yet";
        if (status != null) {
            long ageMs = System.currentTimeMillis() - status.path("at").asLong();
            // an idle job runs no batch, and so reports nothing, until data comes or a timer is due
            streamHealth = "last batch " + ageMs / 1000 + " s ago";
        }
        row("stream job", stack.stream(), "-", streamHealth);
        row(
                "api",
                stack.api(),
                config.apiUrl(),
                LocalProcess.listening(config.get("api.host"), config.getInt("api.port"))
                        ? "listening"
                        : "not listening");
        if (status != null) {
            Admin admin = kafkaOk ? Topics.admin(config) : null;
            try {
                for (String q : new String[] {"movies", "ratings", "users", "impressions"}) {
                    JsonNode b = status.path("queries").path(q);
                    if (b.isMissingNode()) continue;
                    String topic = config.topic(
                            switch (q) {
                                case "movies" -> Topics.MOVIES;
                                case "ratings" -> Topics.RATINGS;
                                case "impressions" -> Topics.IMPRESSIONS;
                                default -> Topics.RATING_PAIRS;
                            });
                    String lag = admin == null ? "?" : String.format("%,d", Waits.lag(admin, status, q, topic));
                    System.out.printf(
                            "  %-11s batch %d: in %,d, out %,d, dead-lettered %,d, %,d ms; lag %s; totals in %,d out %,d dlq %,d%n",
                            q,
                            b.path("batchId").asLong(),
                            b.path("rowsIn").asLong(),
                            b.path("rowsOut").asLong(),
                            b.path("dlq").asLong(),
                            b.path("durationMs").asLong(),
                            lag,
                            b.path("totalIn").asLong(),
                            b.path("totalOut").asLong(),
                            b.path("totalDlq").asLong());
                }
            } finally {
                if (admin != null) admin.close();
            }
        }
        JsonNode sup = Waits.readJson(stack.supervisorFile());
        if (sup != null)
            System.out.printf(
                    "  stream job restarts: %d (last exit code %d)%n",
                    sup.path("restarts").asInt(), sup.path("last_exit_code").asInt());
        return 0;
    }

    /** {@code up --cluster}: every Kafka node, Elasticsearch node, the Spark master and each worker (RSS with its executors). */
    private static void clusterRows(LocalCluster cluster) {
        for (LocalKafka k : cluster.kafka()) {
            boolean ok = k.process().running() && k.healthy();
            row(k.process().name(), k.process(), k.address(), ok ? "ok" : "not answering");
        }
        for (var node : cluster.elasticsearch()) {
            String health = "not answering";
            if (node.process().running()) {
                try (ElasticsearchClient es =
                        EsClients.create(Main.config().with(java.util.Map.of("es.url", node.url())))) {
                    var h = es.cluster().health(r -> r.timeout(t -> t.time("2s")));
                    health = h.status().jsonValue() + ", cluster of " + h.numberOfNodes() + " nodes, "
                            + h.unassignedShards() + " unassigned shards";
                } catch (Exception e) {
                    health = "not answering";
                }
            }
            row(node.process().name(), node.process(), node.url(), health);
        }
        SparkStandalone spark = cluster.spark();
        JsonNode master = spark.masterState();
        String masterHealth = master == null
                ? "not answering"
                : String.format(
                        "%d of %d workers alive, %d cores (%d used), %d application(s)",
                        master.path("aliveworkers").asInt(),
                        spark.workers().size(),
                        master.path("cores").asInt(),
                        master.path("coresused").asInt(),
                        master.path("activeapps").size());
        row("spark-master", spark.master(), spark.masterUrl(), masterHealth);
        for (LocalProcess w : spark.workers()) {
            long executors = w.pid()
                    .flatMap(ProcessHandle::of)
                    .map(h -> h.descendants()
                            .filter(d -> d.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                            .count())
                    .orElse(0L);
            row(w.name(), w, "-", executors + " executor(s)");
        }
    }

    /** Whether the API asks for keys, how many are active, and the rate limits. */
    private static String auth(MovierecConfig config, ElasticsearchClient es) {
        String active;
        try {
            active = String.valueOf(new ApiKeys(es, config)
                    .list().stream().filter(k -> !k.revoked()).count());
        } catch (Exception e) {
            active = "?";
        }
        return String.format(
                "  api auth: on; writes need a write key, reads %s (api.auth.read=%s); %s active keys (./movierec keys list);"
                        + " limits %s/s per key, %s/s per client address",
                Boolean.parseBoolean(config.get("api.auth.read")) ? "need a read key" : "are open",
                config.get("api.auth.read"),
                active,
                config.get("api.rate.key.per.second"),
                config.get("api.rate.address.per.second"));
    }

    private static void row(String name, LocalProcess p, String address, String health) {
        String state;
        String pid = "-";
        if (p == null) {
            state = "external";
        } else if (p.running()) {
            state = "up";
            pid = String.valueOf(p.pid().orElse(0L));
            health += String.format(", %,d MiB RSS", p.rssBytes() / (1024 * 1024));
        } else {
            state = "down";
        }
        System.out.printf("%-16s %-9s pid %-8s %-24s %s%n", name, state, pid, address, health);
    }
}
