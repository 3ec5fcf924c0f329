package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import movierec.cli.Waits;
import movierec.common.Events;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.es.LocalElasticsearch;
import movierec.kafka.EventProducer;
import movierec.kafka.LocalKafka;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensReplay;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes and outages on the real stack: nothing lost, nothing doubled. Runs last (it stops the shared
 * Elasticsearch and Kafka for a while); see junit-platform.properties.
 */
@org.junit.jupiter.api.Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultIT {
    static MovierecConfig c;
    static LocalProcess supervisor;

    static long count(ElasticsearchClient es, String index) throws IOException {
        es.indices().refresh(r -> r.index(c.index(index)));
        return es.count(x -> x.index(c.index(index))).count();
    }

    /** The Spark JVM under the supervisor: what a crash kills. */
    static ProcessHandle sparkJvm() {
        long pid = supervisor.pid().orElseThrow();
        return ProcessHandle.of(pid)
                .orElseThrow()
                .descendants()
                .filter(h -> cmdline(h.pid()).contains("movierec.spark.StreamJob"))
                .findFirst()
                .orElseThrow();
    }

    /** The full command line from /proc (ProcessHandle.Info may leave long ones out). */
    static String cmdline(long pid) {
        try {
            return new String(
                            java.nio.file.Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")),
                            StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Restarts the supervisor has made so far (its state file). */
    static int restarts() {
        var state = Waits.readJson(c.dataDir().resolve("run/" + c.get("namespace") + "supervisor.json"));
        return state == null ? 0 : state.path("restarts").asInt();
    }

    /** When the first query progress after {@code t} was reported (any query), or 0. */
    static long firstBatchAfter(long t) {
        var status = Waits.streamStatus(c);
        long first = 0;
        if (status == null) return 0;
        for (var q : status.path("queries")) {
            long at = q.path("lastProgressAt").asLong();
            if (at > t && (first == 0 || at < first)) first = at;
        }
        return first;
    }

    @Test
    @Order(1)
    void killMinusNineMidLoadThenSupervisedRestartLosesAndDoublesNothing() throws Exception {
        c = TestStack.namespace("fault_");
        Path data = c.home().resolve("data");
        try (EventProducer producer = new EventProducer(c)) {
            new MovieLensReplay(producer, System.out)
                    .run(
                            data.resolve("movielens/movies.csv"),
                            data.resolve("movielens/ratings.csv"),
                            data.resolve("vega/movies.json"),
                            0);
        }
        supervisor = TestStack.startStreamJob(c);
        try (ElasticsearchClient es = EsClients.create(c)) {
            TestStack.await("the job to be part-way through the ratings", 180_000, () -> {
                try {
                    long n = count(es, "ratings");
                    return n > 0 && n < 90282;
                } catch (IOException e) {
                    return false;
                }
            });
            ProcessHandle jvm = sparkJvm();
            int restartsBefore = restarts();
            long killedAt = System.currentTimeMillis();
            new ProcessBuilder("kill", "-9", String.valueOf(jvm.pid())).start().waitFor();
            TestStack.await("the crashed JVM to be gone", 10_000, () -> !jvm.isAlive());
            TestStack.await("the supervisor to restart the job", 60_000, () -> {
                try {
                    return sparkJvm().pid() != jvm.pid();
                } catch (RuntimeException e) {
                    return false;
                }
            });
            java.util.concurrent.atomic.AtomicLong firstBatch = new java.util.concurrent.atomic.AtomicLong();
            TestStack.await("a batch completed after the restart", 120_000, () -> {
                firstBatch.set(firstBatchAfter(killedAt));
                return firstBatch.get() > 0;
            });
            System.out.printf(
                    "[fault] kill -9 -> first completed batch of the restarted job: %,d ms%n",
                    firstBatch.get() - killedAt);
            Waits.untilIndexed(c, 300, System.out);
            assertThat(count(es, "movies")).isEqualTo(9066);
            assertThat(count(es, "ratings")).isEqualTo(90282);
            assertThat(count(es, "users")).isEqualTo(671);
            assertThat(StreamJobIT.movieCounts(es, c)).isEqualTo(StreamJobIT.expectedStats(c));
            // the restarted job resumed from its checkpoint on its first attempt (Spark 4.1.1's Kafka source crashed
            // there)
            assertThat(restarts()).as("restarts after one kill -9").isEqualTo(restartsBefore + 1);
        }
    }

    @Test
    @Order(2)
    void elasticsearchDownFor30SecondsMidStreamLosesNothing() throws Exception {
        MovierecConfig base = TestStack.config();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producing = new Thread(() -> {
            try (EventProducer producer = new EventProducer(c)) {
                for (int i = 0; i < 1500; i++) {
                    producer.sendRating(RatingEvent.of(800_000 + i % 150, 1 + (i / 150), 4.0, 1_000_000L + i, "fault"))
                            .get();
                    Thread.sleep(25);
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
        producing.start();
        Thread.sleep(5_000);
        LocalElasticsearch es = new LocalElasticsearch(base);
        es.process().stop(30);
        Thread.sleep(30_000);
        es.start(150);
        producing.join();
        assertThat(failure.get()).isNull();
        try (ElasticsearchClient client = EsClients.create(c)) {
            TestStack.await("every rating produced during the outage to be indexed", 300_000, () -> {
                try {
                    return count(client, "ratings") == 90282 + 1500;
                } catch (IOException e) {
                    return false;
                }
            });
            // users are written by the user-keyed stage, one micro-batch after the ratings
            TestStack.await("the users of those ratings to be indexed", 60_000, () -> {
                try {
                    return count(client, "users") >= 671 + 150;
                } catch (IOException e) {
                    return false;
                }
            });
            assertThat(count(client, "users")).isEqualTo(671 + 150);
        }
    }

    @Test
    @Order(3)
    void brokerRestartWhileProducingLosesAndDuplicatesNothing() throws Exception {
        MovierecConfig base = TestStack.config();
        int n = 20_000;
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread producing = new Thread(() -> {
            try (EventProducer producer = new EventProducer(c)) {
                var sends = new java.util.ArrayList<java.util.concurrent.CompletableFuture<?>>();
                for (int i = 0; i < n; i++) {
                    sends.add(producer.sendRating(
                            RatingEvent.of(900_000 + i % 1000, 1 + (i / 1000), 3.5, 2_000_000L + i, "broker-fault")));
                    if (i % 100 == 0) Thread.sleep(5);
                }
                producer.flush();
                for (var f : sends) f.get();
            } catch (Exception e) {
                failure.set(e);
            }
        });
        producing.start();
        Thread.sleep(1_000);
        LocalKafka kafka = new LocalKafka(base);
        kafka.process().stop(30);
        Thread.sleep(3_000);
        kafka.start(90);
        producing.join();
        assertThat(failure.get()).isNull();
        Set<String> ids = new HashSet<>();
        long fromThisTest = 0;
        for (ConsumerRecord<String, String> r :
                KafkaAndElasticsearchIT.consumeAll(c, c.topic(Topics.RATINGS), 90282 + 1500 + n)) {
            RatingEvent e = Events.parseRating(r.value().getBytes(StandardCharsets.UTF_8))
                    .value();
            if (e != null && "broker-fault".equals(e.source())) {
                fromThisTest++;
                ids.add(e.eventId());
            }
        }
        assertThat(fromThisTest).as("records in the topic").isEqualTo(n);
        assertThat(ids).hasSize(n);
        try (ElasticsearchClient client = EsClients.create(c)) {
            TestStack.await("the ratings produced across the restart to be indexed", 300_000, () -> {
                try {
                    return count(client, "ratings") == 90282 + 1500 + n;
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }
}
