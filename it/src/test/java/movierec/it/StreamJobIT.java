package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import movierec.cli.Waits;
import movierec.common.LocalProcess;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensCsv;
import movierec.kafka.replay.MovieLensReplay;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The bundled data through the real broker, the real Spark job and the real Elasticsearch. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamJobIT {
    static MovierecConfig c;
    static ElasticsearchClient es;
    static LocalProcess job;

    @BeforeAll
    static void loadBundledDataThroughTheJob() throws Exception {
        c = TestStack.namespace("stream_");
        es = EsClients.create(c);
        Path data = c.home().resolve("data");
        try (EventProducer producer = new EventProducer(c)) {
            new MovieLensReplay(producer, System.out)
                    .run(
                            data.resolve("movielens/movies.csv"),
                            data.resolve("movielens/ratings.csv"),
                            data.resolve("vega/movies.json"),
                            0);
        }
        job = TestStack.startStreamJob(c);
        Waits.untilIndexed(c, 300, System.out);
    }

    private static long count(String index) {
        try {
            es.indices().refresh(r -> r.index(c.index(index)));
            return es.count(x -> x.index(c.index(index))).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(1)
    void bundledDataIsIndexedExactlyOnce() {
        assertThat(count("movies")).isEqualTo(9066);
        assertThat(count("ratings")).isEqualTo(90282);
        assertThat(count("users")).isEqualTo(671);
    }

    @Test
    @Order(2)
    void everyMoviesRatingStatisticsMatchTheCsv() throws Exception {
        Map<Long, long[]> expected = new HashMap<>(); // movieId -> {count, sum*2}
        for (RatingEvent r : MovieLensCsv.readRatings(c.home().resolve("data/movielens/ratings.csv"), "csv")) {
            long[] e = expected.computeIfAbsent(r.movieId(), k -> new long[2]);
            e[0]++;
            e[1] += Math.round(r.rating() * 2);
        }
        assertThat(expected).hasSize(8400);
        Map<Long, Map<String, Object>> actual = movieStats();
        assertThat(actual).hasSize(9066);
        long rated = 0;
        for (Map.Entry<Long, Map<String, Object>> a : actual.entrySet()) {
            long[] e = expected.getOrDefault(a.getKey(), new long[2]);
            long count = a.getValue().get("rating_count") == null
                    ? 0
                    : ((Number) a.getValue().get("rating_count")).longValue();
            assertThat(count).as("rating_count of movie %d", a.getKey()).isEqualTo(e[0]);
            if (count > 0) {
                rated++;
                assertThat(((Number) a.getValue().get("rating_avg")).doubleValue())
                        .as("rating_avg of movie %d", a.getKey())
                        .isCloseTo(e[1] / 2.0 / e[0], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
        assertThat(rated).isEqualTo(8400);
    }

    @Test
    @Order(3)
    void fieldsHaveTheirTypesAndDescriptionIsNeverEmpty() throws Exception {
        var mapping = es.indices()
                .getMapping(m -> m.index(c.index("movies")))
                .mappings()
                .values()
                .iterator()
                .next()
                .mappings()
                .properties();
        assertThat(mapping.get("release_date").isDate()).isTrue();
        assertThat(mapping.get("genres").isKeyword()).isTrue();
        assertThat(mapping.get("description").isText()).isTrue();
        assertThat(mapping.get("embedding").isDenseVector()).isTrue();
        long withoutDescription = es.count(x -> x.index(c.index("movies"))
                        .query(q -> q.bool(b -> b.mustNot(n -> n.exists(e -> e.field("description"))))))
                .count();
        assertThat(withoutDescription).isZero();
        Map<String, Object> toyStory =
                es.get(g -> g.index(c.index("movies")).id("1"), Map.class).source();
        assertThat(toyStory)
                .containsEntry("title", "Toy Story")
                .containsEntry("description", "Toy Story")
                .containsEntry("release_date", "1995-11-22")
                .containsEntry("release_year", 1995)
                .containsEntry("genres", List.of("Adventure", "Animation", "Family", "Comedy", "Fantasy"))
                .containsEntry("rating_count", 236)
                .doesNotContainKey("popularity_norm"); // no source has popularity offline
        Map<String, Object> user1 =
                es.get(g -> g.index(c.index("users")).id("1"), Map.class).source();
        assertThat(user1).containsEntry("rating_count", 18);
        assertThat((List<?>) user1.get("rated_movie_ids")).hasSize(18);
        assertThat((List<?>) user1.get("recent_movie_ids")).hasSize(10);
    }

    @Test
    @Order(4)
    void malformedRecordFromKcatIsDeadLetteredAndLaterRecordsStillArrive() throws Exception {
        List<String> cmd = TestStack.kcat(c);
        cmd.addAll(List.of("-P", "-t", c.topic(Topics.RATINGS), "-k", "424242"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write("{\"userId\": 424242, \"movieId\": oops}\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor()).isZero();
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendRating(RatingEvent.of(424242, 1, 4.0, System.currentTimeMillis(), "test"))
                    .get();
            producer.sendRating(RatingEvent.of(424242, 99999999, 4.0, System.currentTimeMillis(), "test"))
                    .get(); // no such movie
        }
        TestStack.await("the valid rating after the malformed one", 60_000, () -> {
            try {
                return es.get(g -> g.index(c.index("ratings")).id("424242:1"), Map.class)
                        .found();
            } catch (IOException e) {
                return false;
            }
        });
        Map<String, String> reasons = new TreeMap<>();
        TestStack.await("two dead letters", 30_000, () -> {
            for (ConsumerRecord<byte[], byte[]> r : consume(c.topic(Topics.RATINGS_DLQ))) {
                reasons.put(
                        new String(r.value(), StandardCharsets.UTF_8),
                        new String(r.headers().lastHeader("error").value(), StandardCharsets.UTF_8));
                assertThat(new String(r.headers().lastHeader("topic").value(), StandardCharsets.UTF_8))
                        .isEqualTo(c.topic(Topics.RATINGS));
                assertThat(r.headers().lastHeader("offset")).isNotNull();
            }
            return reasons.size() >= 2;
        });
        assertThat(reasons.get("{\"userId\": 424242, \"movieId\": oops}")).startsWith("malformed JSON:");
        assertThat(reasons.values()).contains("unknown movieId 99999999");
    }

    @Test
    @Order(5)
    void replayFromOffsetZeroWithFreshCheckpointChangesNothing() throws Exception {
        Map<Long, Map<String, Object>> moviesBefore = movieStats();
        Map<String, Object> userBefore = userDigest();
        long ratingsBefore = count("ratings");
        job.stop(30);
        deleteTree(c.dataDir().resolve("checkpoints/stream_stream"));
        Files.deleteIfExists(c.dataDir().resolve("run/stream_stream-status.json"));
        job = TestStack.startStreamJob(c);
        Waits.untilIndexed(c, 300, System.out);
        assertThat(count("ratings")).isEqualTo(ratingsBefore);
        assertThat(count("movies")).isEqualTo(9066);
        assertThat(count("users")).isEqualTo(672); // the 671 users plus the one from the dead-letter test
        assertThat(movieStats()).isEqualTo(moviesBefore);
        assertThat(userDigest()).isEqualTo(userBefore);
    }

    @Test
    @Order(6)
    @SuppressWarnings("unchecked")
    void restartResumesFromCheckpointedStateWithoutReadingTheRatingsIndex() throws Exception {
        List<Long> rated = ((List<Number>) es.get(g -> g.index(c.index("users")).id("1"), Map.class)
                        .source()
                        .get("rated_movie_ids"))
                .stream().map(Number::longValue).toList();
        long movie = java.util.stream.LongStream.iterate(1, m -> m + 1)
                .filter(m -> !rated.contains(m))
                .findFirst()
                .orElseThrow();
        long countBefore = count(movieStats().get(movie));
        long readsBefore = ratingsIndexReads();
        job.stop(30);
        job = TestStack.startStreamJob(c);
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendRating(RatingEvent.of(1, movie, 4.5, System.currentTimeMillis(), "test"))
                    .get();
        }
        TestStack.await(
                "user 1's new rating to be applied on top of the 18 restored from the checkpoint", 120_000, () -> {
                    try {
                        return ((Number) es.get(g -> g.index(c.index("users")).id("1"), Map.class)
                                                .source()
                                                .get("rating_count"))
                                        .longValue()
                                == 19;
                    } catch (IOException e) {
                        return false;
                    }
                });
        // the state came back from the checkpoint (RocksDB snapshots and changelogs), not from Elasticsearch
        assertThat(ratingsIndexReads()).isEqualTo(readsBefore);
        assertThat(count(movieStats().get(movie))).isEqualTo(countBefore + 1);
    }

    private static long count(Map<String, Object> stats) {
        Object n = stats == null ? null : stats.get("rating_count");
        return n == null ? 0 : ((Number) n).longValue();
    }

    /** Searches, scrolls and gets the {@code ratings} index has served: what a job rebuilding its state would cause. */
    static long ratingsIndexReads() throws IOException {
        var total = es.indices()
                .stats(s -> s.index(c.index("ratings")).metric(List.of("search", "get")))
                .all()
                .total();
        return total.search().queryTotal()
                + total.search().scrollTotal()
                + total.get().total();
    }

    static Map<Long, Map<String, Object>> movieStats() throws IOException {
        return movieStats(es, c);
    }

    /** movie id -> rating_count for every rated movie, from the bundled CSV. */
    static Map<Long, Long> expectedStats(MovierecConfig c) throws IOException {
        Map<Long, Long> out = new TreeMap<>();
        for (RatingEvent r : MovieLensCsv.readRatings(c.home().resolve("data/movielens/ratings.csv"), "csv"))
            out.merge(r.movieId(), 1L, Long::sum);
        return out;
    }

    /** movie id -> rating_count for every movie with ratings, as indexed. */
    static Map<Long, Long> movieCounts(ElasticsearchClient es, MovierecConfig c) throws IOException {
        Map<Long, Long> out = new TreeMap<>();
        movieStats(es, c).forEach((id, s) -> {
            Object n = s.get("rating_count");
            if (n != null && ((Number) n).longValue() > 0) out.put(id, ((Number) n).longValue());
        });
        return out;
    }

    /** movie id -> {rating_count, rating_sum, rating_avg}. */
    @SuppressWarnings("unchecked")
    static Map<Long, Map<String, Object>> movieStats(ElasticsearchClient es, MovierecConfig c) throws IOException {
        es.indices().refresh(r -> r.index(c.index("movies")));
        Map<Long, Map<String, Object>> out = new TreeMap<>();
        List<FieldValue> after = null;
        while (true) {
            List<FieldValue> from = after;
            SearchResponse<Map> r = es.search(
                    s -> {
                        s.index(c.index("movies"))
                                .size(5000)
                                .sort(o -> o.field(f -> f.field("movie_id").order(SortOrder.Asc)))
                                .source(x -> x.filter(
                                        f -> f.includes("movie_id", "rating_count", "rating_sum", "rating_avg")));
                        if (from != null) s.searchAfter(from);
                        return s;
                    },
                    Map.class);
            if (r.hits().hits().isEmpty()) return out;
            for (Hit<Map> h : r.hits().hits()) {
                Map<String, Object> src = new TreeMap<>(h.source());
                out.put(((Number) src.remove("movie_id")).longValue(), src);
            }
            after = r.hits().hits().get(r.hits().hits().size() - 1).sort();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> userDigest() throws IOException {
        Map<String, Object> out = new TreeMap<>();
        for (String id : List.of("1", "15", "547", "671")) {
            Map<String, Object> src = new TreeMap<>(
                    es.get(g -> g.index(c.index("users")).id(id), Map.class).source());
            src.remove("updated_at");
            out.put(id, src);
        }
        return out;
    }

    static List<ConsumerRecord<byte[], byte[]>> consume(String topic) {
        return consume(c, topic);
    }

    /** A dead-letter topic's records, read as the CLI (an operator may inspect dead letters). */
    static List<ConsumerRecord<byte[], byte[]>> consume(MovierecConfig c, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                TestStack.consumer(c, topic, ByteArrayDeserializer.class, ByteArrayDeserializer.class)) {
            List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            return out;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
