package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import movierec.common.MovieEvent;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.es.EsClients;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Bad records written with kcat (a real third-party client) land in the dead-letter topics; the pipeline goes on. */
class BadInputIT {
    @Test
    void everyKindOfBadRecordIsDeadLetteredWithItsReasonAndValidRecordsStillArrive() throws Exception {
        MovierecConfig c = TestStack.namespace("bad_");
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendMovie(new MovieEvent(
                            1L,
                            "Toy Story",
                            null,
                            List.of(16),
                            "en",
                            "1995-11-22",
                            8.2,
                            100L,
                            10.0,
                            null,
                            null,
                            null,
                            null,
                            "test"))
                    .get();
        }
        TestStack.startStreamJob(c);
        Path dir = Files.createTempDirectory("bad");
        byte[] big = new byte[1_000_000];
        Arrays.fill(big, (byte) 'x');
        byte[] latin1 = "{\"userId\":5,\"movieId\":1,\"rating\":4,\"timestamp\":1,\"source\":\"Am\u00e9lie\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        List<Path> ratings = new ArrayList<>();
        String[][] cases = {
            {"malformed", "{\"userId\": 5, \"movieId\": 1,"},
            {"wrongtype", "{\"userId\": \"five\", \"movieId\": 1, \"rating\": 4, \"timestamp\": 1}"},
            {"range", "{\"userId\": 5, \"movieId\": 1, \"rating\": 7.5, \"timestamp\": 1}"},
            {"halfstep", "{\"userId\": 5, \"movieId\": 1, \"rating\": 3.3, \"timestamp\": 1}"},
            {"noid", "{\"movieId\": 1, \"rating\": 4, \"timestamp\": 1}"},
            {"unknown", "{\"userId\": 5, \"movieId\": 987654, \"rating\": 4, \"timestamp\": 1}"}
        };
        for (String[] cs : cases) ratings.add(Files.writeString(dir.resolve(cs[0]), cs[1]));
        ratings.add(Files.write(dir.resolve("big"), big));
        ratings.add(Files.write(dir.resolve("latin1"), latin1));
        List<String> cmd = TestStack.kcat(c);
        cmd.addAll(List.of("-P", "-t", c.topic(Topics.RATINGS), "-X", "message.max.bytes=2000000", "-k", "5"));
        ratings.forEach(p -> cmd.add(p.toString())); // kcat -P with files: each file is one message
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Path badMovie = Files.writeString(
                dir.resolve("movie"), "{\"id\": 2, \"title\": \"x\", \"release_date\": \"95-11-22\"}");
        List<String> movieCmd = TestStack.kcat(c);
        movieCmd.addAll(List.of("-P", "-t", c.topic(Topics.MOVIES), "-k", "2", badMovie.toString()));
        Process pm = new ProcessBuilder(movieCmd).redirectErrorStream(true).start();
        assertThat(pm.waitFor()).isZero();
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendRating(RatingEvent.of(5, 1, 4.5, 1000, "test")).get();
        }
        try (ElasticsearchClient es = EsClients.create(c)) {
            TestStack.await("the valid rating after the bad ones", 120_000, () -> {
                try {
                    return es.get(g -> g.index(c.index("ratings")).id("5:1"), Map.class)
                            .found();
                } catch (IOException e) {
                    return false;
                }
            });
        }
        List<String> reasons = new ArrayList<>();
        TestStack.await("eight rating dead letters", 60_000, () -> {
            reasons.clear();
            for (ConsumerRecord<byte[], byte[]> r : StreamJobIT.consume(c, c.topic(Topics.RATINGS_DLQ))) {
                reasons.add(new String(r.headers().lastHeader("error").value(), StandardCharsets.UTF_8));
            }
            return reasons.size() >= 8;
        });
        assertThat(reasons).hasSize(8);
        assertThat(reasons)
                .anySatisfy(r -> assertThat(r).startsWith("malformed JSON"))
                .anySatisfy(r -> assertThat(r).startsWith("wrong type"))
                .contains(
                        "rating must be between 0.5 and 5.0, got 7.5",
                        "rating must be a multiple of 0.5, got 3.3",
                        "missing userId",
                        "unknown movieId 987654",
                        "value too large: 1000000 bytes (limit 100000)",
                        "value is not valid UTF-8");
        List<ConsumerRecord<byte[], byte[]>> movieLetters = StreamJobIT.consume(c, c.topic(Topics.MOVIES_DLQ));
        assertThat(movieLetters).hasSize(1);
        assertThat(new String(movieLetters.get(0).headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                .isEqualTo("release_date must be YYYY-MM-DD, got '95-11-22'");
        // the 1 MB value is kept byte for byte
        assertThat(StreamJobIT.consume(c, c.topic(Topics.RATINGS_DLQ)))
                .anySatisfy(r -> assertThat(r.value()).hasSize(1_000_000));
    }
}
