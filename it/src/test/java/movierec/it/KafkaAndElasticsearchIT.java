package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import movierec.common.Impression;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.es.EsScan;
import movierec.es.IndexBootstrap;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

class KafkaAndElasticsearchIT {
    @Test
    void producedRatingIsConsumedWithUserKey() throws Exception {
        MovierecConfig c = TestStack.namespace("rt_");
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendRating(RatingEvent.of(7, 1, 4.5, 1_000L, "test")).get();
        }
        List<ConsumerRecord<String, String>> got = consumeAll(c, c.topic(Topics.RATINGS), 1);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).key()).isEqualTo("7");
        assertThat(got.get(0).value())
                .isEqualTo("{\"userId\":7,\"movieId\":1,\"rating\":4.5,\"timestamp\":1000,\"source\":\"test\"}");
    }

    @Test
    void topicsAreCreatedOnceWithTheirSettings() throws Exception {
        MovierecConfig c = TestStack.namespace("topics_");
        assertThat(Topics.ensure(c)).isEmpty(); // second call: nothing new
        try (var admin = Topics.admin(c)) {
            var d = admin.describeTopics(List.of(c.topic(Topics.RATINGS), c.topic(Topics.MOVIES)))
                    .allTopicNames()
                    .get();
            assertThat(d.get(c.topic(Topics.RATINGS)).partitions()).hasSize(3);
            var res = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, c.topic(Topics.MOVIES));
            assertThat(admin.describeConfigs(List.of(res))
                            .all()
                            .get()
                            .get(res)
                            .get("cleanup.policy")
                            .value())
                    .isEqualTo("compact");
        }
    }

    @Test
    void indexedDocumentIsSearchableThroughItsAlias() throws Exception {
        MovierecConfig c = TestStack.namespace("es_");
        try (ElasticsearchClient es = EsClients.create(c)) {
            assertThat(new IndexBootstrap(es, c).ensure()).isEmpty(); // idempotent: already created by namespace()
            es.index(i -> i.index(c.index("movies"))
                    .id("1")
                    .document(Map.of(
                            "id",
                            "1",
                            "movie_id",
                            1,
                            "title",
                            "Toy Story",
                            "description",
                            "Toy Story. A cowboy doll is threatened by a new spaceman figure.",
                            "genres",
                            List.of("Animation")))
                    .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
            SearchResponse<Map> r = es.search(
                    s -> s.index(c.index("movies"))
                            .query(q -> q.match(m -> m.field("description").query("spaceman"))),
                    Map.class);
            assertThat(r.hits().hits()).extracting(h -> h.id()).containsExactly("1");
            assertThat(new IndexBootstrap(es, c).currentIndex("movies")).isEqualTo("es_movies_v1");
        }
    }

    @Test
    void aPointInTimeScanReadsEveryDocumentOnceThoughItsSortTies() throws Exception {
        MovierecConfig c = TestStack.namespace("pit_");
        String index = c.index("impressions");
        int lists = 25_000; // pages of 10,000: the ties span both page boundaries
        try (ElasticsearchClient es = EsClients.create(c)) {
            List<co.elastic.clients.elasticsearch.core.bulk.BulkOperation> ops = new ArrayList<>();
            for (int i = 0; i < lists; i++) {
                Impression doc = new Impression(
                        "i-" + i,
                        (long) i,
                        Impression.RECOMMENDATIONS,
                        null,
                        "v1",
                        "blend",
                        List.of(1L),
                        1_000 + i % 3);
                ops.add(co.elastic.clients.elasticsearch.core.bulk.BulkOperation.of(
                        b -> b.index(x -> x.index(index).id(doc.id()).document(doc))));
            }
            for (int from = 0; from < lists; from += 5_000) {
                var chunk = ops.subList(from, from + 5_000);
                assertThat(es.bulk(b -> b.operations(chunk)).errors()).isFalse();
            }
            es.indices().refresh(r -> r.index(index));
            List<Long> users = new ArrayList<>();
            long n = EsScan.scanPointInTime(
                    es,
                    index,
                    null,
                    List.of("served_at"),
                    List.of("user_id"),
                    Impression.class,
                    i -> users.add(i.userId()));
            assertThat(n).isEqualTo(lists);
            assertThat(users).doesNotHaveDuplicates().hasSize(lists);
        }
    }

    @Test
    void migrateMovesAliasToNewVersionKeepingDocuments() throws Exception {
        MovierecConfig c = TestStack.namespace("mig_");
        try (ElasticsearchClient es = EsClients.create(c)) {
            for (int i = 1; i <= 3; i++) {
                int id = i;
                es.index(x -> x.index(c.index("ratings"))
                        .id("1:" + id)
                        .document(Map.of("user_id", 1, "movie_id", id, "rating", 4.0, "timestamp", 1000L)));
            }
            IndexBootstrap b = new IndexBootstrap(es, c);
            assertThat(b.migrate("ratings")).isEqualTo("mig_ratings_v2");
            assertThat(b.currentIndex("ratings")).isEqualTo("mig_ratings_v2");
            es.indices().refresh(r -> r.index(c.index("ratings")));
            assertThat(es.count(x -> x.index(c.index("ratings"))).count()).isEqualTo(3);
        }
    }

    @Test
    void anExistingIndexGainsTheFieldsAddedToItsMappingAndKeepsItsOwn() throws Exception {
        MovierecConfig c = TestStack.namespace("upg_");
        try (ElasticsearchClient es = EsClients.create(c)) {
            // users as an older build created it: without history_ratings, its vectors' dimensions fixed
            es.indices().delete(d -> d.index(c.index("users") + "_v1"));
            es.indices()
                    .create(i -> i.index(c.index("users") + "_v1")
                            .mappings(m -> m.dynamic(
                                            co.elastic.clients.elasticsearch._types.mapping.DynamicMapping.Strict)
                                    .properties("user_id", pr -> pr.long_(l -> l))
                                    .properties(
                                            "embedding",
                                            pr -> pr.denseVector(v -> v.dims(8).index(false))))
                            .aliases(c.index("users"), a -> a.isWriteIndex(true)));
            new IndexBootstrap(es, c).ensure();
            var live = es.indices()
                    .getMapping(g -> g.index(c.index("users")))
                    .mappings()
                    .values()
                    .iterator()
                    .next()
                    .mappings()
                    .properties();
            assertThat(live).containsKeys("history_ratings", "rated_movie_ids", "top_genres");
            assertThat(live.get("embedding").denseVector().dims()).isEqualTo(8);
            es.index(i -> i.index(c.index("users"))
                    .id("1")
                    .document(Map.of(
                            "user_id", 1, "rated_movie_ids", List.of(3, 1), "history_ratings", List.of(4.5, 2.0))));
        }
    }

    /** Everything on {@code topic} (movies or ratings), read as the stream job: the one user allowed to. */
    static List<ConsumerRecord<String, String>> consumeAll(MovierecConfig c, String topic, int expected) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = TestStack.consumer(
                TestStack.as(c, "stream"), topic, StringDeserializer.class, StringDeserializer.class)) {
            long deadline = System.currentTimeMillis() + 60_000;
            int emptyPolls = 0;
            while (System.currentTimeMillis() < deadline && (out.size() < expected || emptyPolls < 2)) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) emptyPolls++;
                else emptyPolls = 0;
                records.forEach(out::add);
            }
        }
        return out;
    }
}
