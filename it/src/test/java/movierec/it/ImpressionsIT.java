package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import movierec.common.ImpressionBatch;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Every list the API serves is logged: a user's recommendations and an anonymous visitor's similar list each reach
 * the {@code impressions} index through Kafka and the stream job, with the movies in the order shown, the model
 * version, and who and when; {@code /api/metrics} counts what was sent.
 */
class ImpressionsIT {
    static final long USER = 21;

    @Test
    void servedListsAreIndexedInTheOrderShown() throws Exception {
        MovierecConfig c = ApiFixture.config();
        long before = System.currentTimeMillis();
        JsonNode recs = ReadYourWritesIT.call("GET", "/api/users/" + USER + "/recommendations?k=7", null)
                .json();
        JsonNode similar =
                ReadYourWritesIT.call("GET", "/api/movies/1/similar?k=5", null).json();
        try (ElasticsearchClient es = EsClients.create(c)) {
            JsonNode forUser = await(es, c, "user_id", USER, "recommendations", before);
            assertThat(ids(forUser.path("movie_ids"))).isEqualTo(ids(recs.path("items"), "movie"));
            assertThat(forUser.path("model_version").asText())
                    .isEqualTo(recs.path("asOf").path("modelVersion").asText());
            assertThat(forUser.path("served_at").asLong()).isGreaterThanOrEqualTo(before);

            JsonNode anonymous = await(es, c, "movie_id", 1, "similar", before);
            assertThat(anonymous.has("user_id")).isFalse();
            assertThat(ids(anonymous.path("movie_ids"))).isEqualTo(ids(similar.path("items"), "movie"));
        }
        String metrics = ReadYourWritesIT.HTTP
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(ApiFixture.baseUrl() + "/api/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics).containsPattern("movierec_impressions_total\\{result=\"sent\"} [1-9]");
    }

    /**
     * Lists served at the same time travel together, a few records of at most {@link ImpressionBatch#MAX_LISTS} lists,
     * and each one reaches the index exactly once.
     */
    @Test
    void listsServedTogetherTravelInRecordsOfAtMostTheLimitAndAreEachIndexedOnce() throws Exception {
        MovierecConfig c = ApiFixture.config();
        int users = 2 * ImpressionBatch.MAX_LISTS + 50;
        long before = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> calls = new ArrayList<>();
        for (long u = 1; u <= users; u++) {
            String path = "/api/users/" + u + "/recommendations?k=5";
            calls.add(pool.submit(() -> ReadYourWritesIT.call("GET", path, null).status()));
        }
        for (Future<Integer> f : calls) assertThat(f.get()).isEqualTo(200);
        pool.shutdown();

        try (ElasticsearchClient es = EsClients.create(c)) {
            TestStack.await(users + " lists in impressions", 60_000, () -> servedSince(es, c, before, users) >= users);
            assertThat(servedSince(es, c, before, users)).isEqualTo(users);
        }
        Map<String, Integer> records = new HashMap<>(); // impression id -> records holding it
        int biggest = 0;
        try (KafkaConsumer<String, byte[]> consumer = TestStack.consumer(
                TestStack.as(c, "stream"),
                c.topic(Topics.IMPRESSIONS),
                StringDeserializer.class,
                ByteArrayDeserializer.class)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header lists = r.headers().lastHeader(ImpressionBatch.HEADER);
                    if (lists == null) continue; // an erasure marker
                    List<ImpressionBatch.Entry> entries = ImpressionBatch.decode(lists.value());
                    biggest = Math.max(biggest, entries.size());
                    for (ImpressionBatch.Entry e : entries)
                        if (e.servedAt() >= before && e.userId() != null && e.userId() <= users)
                            records.merge(e.id(), 1, Integer::sum);
                }
            }
        }
        assertThat(biggest).isBetween(1, ImpressionBatch.MAX_LISTS);
        assertThat(records).hasSize(users);
        assertThat(records.values()).containsOnly(1);
    }

    /** How many recommendations lists of users 1..{@code users} served from {@code since} on the index holds. */
    static long servedSince(ElasticsearchClient es, MovierecConfig c, long since, int users) {
        try {
            es.indices().refresh(r -> r.index(c.index("impressions")));
            return es.count(n -> n.index(c.index("impressions"))
                            .query(q -> q.bool(b -> b.filter(
                                            f -> f.term(t -> t.field("list").value("recommendations")))
                                    .filter(f -> f.range(r -> r.untyped(u -> u.field("user_id")
                                            .gte(co.elastic.clients.json.JsonData.of(1))
                                            .lte(co.elastic.clients.json.JsonData.of(users)))))
                                    .filter(f -> f.range(r -> r.untyped(u ->
                                            u.field("served_at").gte(co.elastic.clients.json.JsonData.of(since))))))))
                    .count();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The first impression of {@code list} with {@code field} = {@code value} served at or after {@code since}. */
    static JsonNode await(ElasticsearchClient es, MovierecConfig c, String field, long value, String list, long since) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        TestStack.await(list + " of " + field + " " + value + " in impressions", 60_000, () -> {
            try {
                es.indices().refresh(r -> r.index(c.index("impressions")));
                List<Hit<JsonNode>> hits = es.search(
                                s -> s.index(c.index("impressions"))
                                        .query(q -> q.bool(b -> b.filter(f -> f.term(
                                                        t -> t.field(field).value(value)))
                                                .filter(f -> f.term(
                                                        t -> t.field("list").value(list)))
                                                .filter(f -> f.range(r -> r.untyped(u -> u.field("served_at")
                                                        .gte(co.elastic.clients.json.JsonData.of(since))))))),
                                JsonNode.class)
                        .hits()
                        .hits();
                if (hits.isEmpty()) return false;
                found.set(hits.get(0).source());
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        return found.get();
    }

    static List<Long> ids(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }

    static List<Long> ids(JsonNode items, String field) {
        List<Long> out = new ArrayList<>();
        items.forEach(i -> out.add(i.path(field).path("id").asLong()));
        return out;
    }
}
