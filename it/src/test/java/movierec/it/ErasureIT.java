package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import movierec.cli.Stack;
import movierec.common.Impression;
import movierec.common.MovieEvent;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A user's erasure through the whole stack: after {@code DELETE /api/users/{id}} no document in any index mentions the
 * user (ratings, profile, dismissals, the lists served to them), every movie they rated has statistics equal to a recomputation from the ratings that remain, the compacted
 * {@code ratings.pairs} holds a tombstone for each of their keys, a rating from before the erasure that arrives late is
 * erased too, a retrain that read the user's ratings before the erasure does not bring them back, and the user id can
 * rate again afterwards.
 */
class ErasureIT {
    /** Ids no other test uses: the erased user, a user rating the same movies (whose share must stay), a new movie. */
    static final long USER = 970_000 + (System.nanoTime() & 0xfff);

    static final long OTHER = USER + 5_000;
    static final long LATE_MOVIE = 990_000_000L + (System.nanoTime() & 0xffff);
    static final List<Long> MOVIES = List.of(1L, 2L, 3L, 6L, 10L, 32L, 47L, 50L, 110L, 150L, 260L, 296L);

    static ReadYourWritesIT.Res admin(String method, String path) throws Exception {
        return ReadYourWritesIT.callWith(ApiFixture.adminKey(), method, path, null);
    }

    static String rate(long user, long movie, double rating) throws Exception {
        ReadYourWritesIT.Res r = ReadYourWritesIT.call(
                "POST", "/api/users/" + user + "/ratings", "{\"movieId\": " + movie + ", \"rating\": " + rating + "}");
        assertThat(r.status()).as(r.json().toString()).isEqualTo(202);
        return r.json().path("token").asText();
    }

    @Test
    void anErasedUserLeavesNoTraceAndTheStatisticsAreRecomputedWithoutThem() throws Exception {
        MovierecConfig c = ApiFixture.config();
        String last = null;
        for (int i = 0; i < MOVIES.size(); i++) last = rate(USER, MOVIES.get(i), 0.5 + (i % 10) * 0.5);
        rate(USER, 1, 5.0); // a replaced rating
        assertThat(ReadYourWritesIT.call("DELETE", "/api/users/" + USER + "/ratings/2", null)
                        .status())
                .isEqualTo(202); // a retraction: its version is state too
        for (long movie : List.of(1L, 3L, 50L)) rate(OTHER, movie, 4.0);
        assertThat(ReadYourWritesIT.call("POST", "/api/users/" + USER + "/dismissals", "{\"movieId\": 318}")
                        .status())
                .isEqualTo(200);
        last = ReadYourWritesIT.call("POST", "/api/users/" + USER + "/dismissals", "{\"genre\": \"Horror\"}")
                .json()
                .path("token")
                .asText();
        JsonNode recs = ReadYourWritesIT.call("GET", "/api/users/" + USER + "/recommendations?after=" + last, null)
                .json();
        assertThat(recs.path("stale").asBoolean()).as(recs.toString()).isFalse();
        // that list was served, and logged: the erasure must take it too
        TestStack.await("the served list to be indexed", 60_000, () -> {
            try {
                return admin("GET", "/api/users/" + USER + "/erasure")
                                .json()
                                .path("remaining")
                                .path("impressions")
                                .asLong()
                        > 0;
            } catch (Exception e) {
                return false;
            }
        });
        try (ElasticsearchClient es = EsClients.create(c)) {
            assertThat(mentions(es, c)).as("before the erasure").isNotEmpty();
            // a retrain that has read the user's ratings, and writes its vectors after the erasure
            var trainingRead = new java.util.concurrent.CountDownLatch(1);
            var training = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    new Stack(c).train(new java.io.PrintStream(System.out, true) {
                        @Override
                        public void println(String line) {
                            super.println(line);
                            if (line.contains("training on")) trainingRead.countDown();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    trainingRead.countDown();
                }
            });
            assertThat(trainingRead.await(5, java.util.concurrent.TimeUnit.MINUTES))
                    .isTrue();
            assertThat(training).as("training started").isNotDone();
            // A rating of a movie the catalogue does not have yet, just before the erasure: the stream job holds it
            // (5 s in the tests) until the movie arrives, just after the erasure. The pair then reaches the users'
            // stage after (or with) the erasure, which must erase it too.
            ReadYourWritesIT.Res erase;
            long servedBeforeErasure;
            try (EventProducer producer = new EventProducer(c)) {
                producer.sendRating(RatingEvent.of(USER, LATE_MOVIE, 3.5, System.currentTimeMillis(), "erasure-it"))
                        .get();
                // a list served just before the erasure, still on its way to the impressions index
                assertThat(ReadYourWritesIT.call("GET", "/api/users/" + USER + "/recommendations", null)
                                .status())
                        .isEqualTo(200);
                servedBeforeErasure = System.currentTimeMillis();
                erase = admin("DELETE", "/api/users/" + USER);
                producer.sendMovie(MovieEvent.of(LATE_MOVIE, "Erasure test movie", List.of(99), "erasure-it"))
                        .get();
            }
            assertThat(erase.status()).as(erase.json().toString()).isEqualTo(202);
            String token = erase.json().path("token").asText();
            // the write key may not erase
            assertThat(ReadYourWritesIT.call("DELETE", "/api/users/" + USER, null)
                            .status())
                    .isEqualTo(403);
            JsonNode progress = awaitComplete(token);
            assertThat(progress.path("eventApplied").asBoolean()).isTrue();
            // A list served before the erasure that reaches the topic only now (say from an API server's buffer), after
            // the impressions query has read the marker: the erasure's record keeps it out of the index.
            try (EventProducer producer = new EventProducer(TestStack.as(c, "api"))) {
                producer.sendImpressions(List.of(new Impression(
                                Impression.newId(servedBeforeErasure, new java.util.Random()),
                                USER,
                                Impression.RECOMMENDATIONS,
                                null,
                                "late",
                                null,
                                List.of(1L),
                                servedBeforeErasure)))
                        .get();
            }
            // complete means complete: no list of the user lands afterwards (two impressions triggers watched)
            long watchUntil = System.nanoTime()
                    + Duration.ofMillis(2L * c.getInt("stream.impressions.trigger.ms") + 1_000)
                            .toNanos();
            while (System.nanoTime() < watchUntil) {
                JsonNode now = admin("GET", "/api/users/" + USER + "/erasure?after=" + token)
                        .json();
                assertThat(now.path("status").asText()).as(now.toString()).isEqualTo("complete");
                Thread.sleep(200);
            }
            TestStack.await("the late movie to be announced", 60_000, () -> movieExists(es, c, LATE_MOVIE));
            TestStack.await("the late rating to be applied (its movie statistics written)", 60_000, () -> {
                try {
                    return statsOf(es, c, LATE_MOVIE).has("rating_count");
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(StreamJobIT.consume(c, c.topic(Topics.RATINGS_DLQ)))
                    .as("the held rating was released, not dead-lettered")
                    .noneMatch(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                            .contains(String.valueOf(LATE_MOVIE)));
            awaitComplete(token);

            training.get(10, java.util.concurrent.TimeUnit.MINUTES);
            List<String> left = mentions(es, c);
            assertThat(left).as("documents mentioning user " + USER).isEmpty();
            var record = es.get(g -> g.index(c.index("erasures")).id(String.valueOf(USER)), JsonNode.class);
            assertThat(record.found()).as("the erasure's record").isTrue();
            List<String> fields = new ArrayList<>();
            record.source().fieldNames().forEachRemaining(fields::add);
            // nothing of the user but the id and the time, and where the marker went for the status above
            assertThat(fields).containsExactlyInAnyOrder("user_id", "erased_at", "marker_partition", "marker_offset");
            List<Long> affected = new ArrayList<>(MOVIES);
            affected.add(LATE_MOVIE);
            TestStack.await("every affected movie's statistics to equal a recomputation", 60_000, () -> {
                try {
                    return mismatches(es, c, affected).isEmpty();
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(mismatches(es, c, affected)).isEmpty();
            assertThat(statsOf(es, c, LATE_MOVIE).path("rating_count").asLong()).isZero();
        }
        // what stays in Kafka: the compacted ratings.pairs ends with a tombstone for each of the user's keys
        Map<String, byte[]> latest = latestPairs(c);
        Set<String> keys = new LinkedHashSet<>();
        latest.keySet().stream().filter(k -> k.startsWith(USER + ":")).forEach(keys::add);
        assertThat(keys)
                .contains(
                        USER + ":1",
                        USER + ":2",
                        USER + ":" + LATE_MOVIE,
                        USER + ":not:m318",
                        USER + ":not:gHorror",
                        USER + ":erase");
        for (String k : keys)
            assertThat(latest.get(k)).as("latest value of " + k).isNull();

        // the id may rate again: what comes after the erasure is kept
        String again = rate(USER, 260, 4.5);
        JsonNode after = ReadYourWritesIT.call("GET", "/api/users/" + USER + "/recommendations?after=" + again, null)
                .json();
        assertThat(after.path("stale").asBoolean()).isFalse();
        JsonNode profile =
                ReadYourWritesIT.call("GET", "/api/users/" + USER, null).json();
        assertThat(profile.path("ratingCount").asInt()).as(profile.toString()).isEqualTo(1);
        assertThat(profile.path("dismissedGenres")).isEmpty();
    }

    @Test
    void progressOfAUserWithDataIsHeldAndBadTokensAreRefused() throws Exception {
        JsonNode held = admin("GET", "/api/users/1/erasure").json();
        assertThat(held.path("status").asText()).isEqualTo("held");
        assertThat(held.path("remaining").path("profile").asBoolean()).isTrue();
        assertThat(held.path("remaining").path("ratings").asLong()).isPositive();
        assertThat(held.path("eventApplied").isNull()).isTrue();
        ReadYourWritesIT.Res bad = admin("GET", "/api/users/1/erasure?after=oops");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("message").asText()).contains("after");
        assertThat(ReadYourWritesIT.call("GET", "/api/users/1/erasure", null).status())
                .isEqualTo(403);
        ReadYourWritesIT.Res badId = admin("DELETE", "/api/users/abc");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json().path("message").asText()).contains("userId");
    }

    static JsonNode awaitComplete(String token) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode p;
        do {
            ReadYourWritesIT.Res r = admin("GET", "/api/users/" + USER + "/erasure?after=" + token);
            assertThat(r.status()).as(r.json().toString()).isEqualTo(200);
            p = r.json();
            assertThat(p.path("status").asText()).isIn("pending", "erasing", "complete");
            if (p.path("status").asText().equals("complete")) return p;
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("erasure of " + USER + " not complete after 90 s: " + p);
    }

    /**
     * Every document of every index of the namespace that names the user: by field, by id, or anywhere in its text.
     * But for the erasure's own record, which holds the id and the erasure's time only, no more.
     */
    static List<String> mentions(ElasticsearchClient es, MovierecConfig c) throws Exception {
        es.indices().refresh(r -> r.index(c.index("*")));
        String id = String.valueOf(USER);
        SearchResponse<JsonNode> r = es.search(
                s -> s.index(c.index("*"), "-" + c.index("erasures") + "*")
                        .size(100)
                        .query(q -> q.bool(b -> b.should(
                                        x -> x.term(t -> t.field("user_id").value(USER)))
                                .should(x -> x.ids(i -> i.values(id)))
                                .should(x -> x.queryString(
                                        qs -> qs.query(id).lenient(true).fields("*"))))),
                JsonNode.class);
        List<String> out = new ArrayList<>();
        for (Hit<JsonNode> h : r.hits().hits()) out.add(h.index() + "/" + h.id());
        return out;
    }

    /** Movies whose stored statistics differ from a recomputation over the ratings index. */
    static List<String> mismatches(ElasticsearchClient es, MovierecConfig c, List<Long> movies) throws Exception {
        es.indices().refresh(r -> r.index(c.index("ratings"), c.index("movies")));
        List<String> out = new ArrayList<>();
        for (long movie : movies) {
            SearchResponse<JsonNode> r = es.search(
                    s -> s.index(c.index("ratings"))
                            .size(10_000)
                            .query(q -> q.term(t -> t.field("movie_id").value(FieldValue.of(movie)))),
                    JsonNode.class);
            long count = 0;
            double sum = 0;
            long lastAt = 0;
            for (Hit<JsonNode> h : r.hits().hits()) {
                assertThat(h.source().path("user_id").asLong()).isNotEqualTo(USER);
                count++;
                sum += h.source().path("rating").asDouble();
                lastAt = Math.max(lastAt, h.source().path("timestamp").asLong());
            }
            JsonNode stats = statsOf(es, c, movie);
            Map<String, Object> want = new HashMap<>();
            want.put("rating_count", count);
            want.put("rating_sum", sum);
            want.put("rating_avg", count == 0 ? null : sum / count);
            want.put("last_rated_at", count == 0 ? null : lastAt);
            Map<String, Object> have = new HashMap<>();
            have.put("rating_count", stats.path("rating_count").asLong());
            have.put("rating_sum", stats.path("rating_sum").asDouble());
            have.put(
                    "rating_avg",
                    stats.path("rating_avg").isNumber()
                            ? stats.path("rating_avg").asDouble()
                            : null);
            have.put(
                    "last_rated_at",
                    stats.path("last_rated_at").isNumber()
                            ? stats.path("last_rated_at").asLong()
                            : null);
            if (!want.equals(have)) out.add("movie " + movie + ": stored " + have + ", recomputed " + want);
        }
        return out;
    }

    static JsonNode statsOf(ElasticsearchClient es, MovierecConfig c, long movie) throws Exception {
        var doc = es.get(
                g -> g.index(c.index("movies"))
                        .id(String.valueOf(movie))
                        .sourceIncludes("rating_count", "rating_sum", "rating_avg", "last_rated_at"),
                JsonNode.class);
        return doc.found() ? doc.source() : com.fasterxml.jackson.databind.node.NullNode.getInstance();
    }

    static boolean movieExists(ElasticsearchClient es, MovierecConfig c, long movie) {
        try {
            return es.exists(e -> e.index(c.index("movies")).id(String.valueOf(movie)))
                    .value();
        } catch (Exception e) {
            return false;
        }
    }

    /** The latest value of every key of {@code ratings.pairs} (null for a tombstone), read as the stream job. */
    static Map<String, byte[]> latestPairs(MovierecConfig c) {
        Map<String, byte[]> latest = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = TestStack.consumer(
                TestStack.as(c, "stream"),
                c.topic(Topics.RATING_PAIRS),
                StringDeserializer.class,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class)) {
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500)))
                    latest.put(r.key(), r.value());
            }
        }
        return latest;
    }
}
