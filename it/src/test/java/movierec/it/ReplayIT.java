package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import movierec.common.Events;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import movierec.kafka.replay.MovieLensReplay;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReplayIT {
    @Test
    void bundledDataReachesKafkaCompletelyAndRerunAddsNoNewEvents() throws Exception {
        MovierecConfig c = TestStack.namespace("replay_");
        Path data = c.home().resolve("data");
        for (int run = 1; run <= 2; run++) {
            try (EventProducer producer = new EventProducer(c)) {
                MovieLensReplay.Summary s = new MovieLensReplay(producer, System.out)
                        .run(
                                data.resolve("movielens/movies.csv"),
                                data.resolve("movielens/ratings.csv"),
                                data.resolve("vega/movies.json"),
                                0);
                assertThat(s.movies()).isEqualTo(9066);
                assertThat(s.ratings()).isEqualTo(90282);
                assertThat(s.failed()).isZero();
                assertThat(s.enriched()).isBetween(2200, 2500);
            }
        }
        List<ConsumerRecord<String, String>> movies =
                KafkaAndElasticsearchIT.consumeAll(c, c.topic(Topics.MOVIES), 2 * 9066);
        Set<String> movieKeys = new HashSet<>();
        movies.forEach(r -> movieKeys.add(r.key()));
        assertThat(movieKeys).hasSize(9066);

        List<ConsumerRecord<String, String>> ratings =
                KafkaAndElasticsearchIT.consumeAll(c, c.topic(Topics.RATINGS), 2 * 90282);
        assertThat(ratings).hasSize(2 * 90282); // two runs in the log ...
        Set<String> eventIds = new HashSet<>();
        for (ConsumerRecord<String, String> r : ratings) {
            RatingEvent e = Events.parseRating(r.value().getBytes(StandardCharsets.UTF_8))
                    .value();
            assertThat(r.key()).isEqualTo(String.valueOf(e.userId()));
            eventIds.add(e.eventId());
        }
        assertThat(eventIds).hasSize(90282); // ... but the same 90,282 events: downstream dedupes by id
    }

    @Test
    void kcatReadsTheTopics() throws Exception {
        MovierecConfig c = TestStack.namespace("kcat_");
        try (EventProducer producer = new EventProducer(c)) {
            producer.sendRating(RatingEvent.of(3, 50, 5.0, 42_000L, "test")).get();
        }
        List<String> cmd = TestStack.kcat(TestStack.as(c, "stream")); // the ratings' only reader
        cmd.addAll(List.of("-C", "-t", c.topic(Topics.RATINGS), "-c", "1", "-e", "-f", "%k %s"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.trim())
                .isEqualTo("3 {\"userId\":3,\"movieId\":50,\"rating\":5.0,\"timestamp\":42000,\"source\":\"test\"}");
    }

    @Test
    void producerRefusesInvalidEventWithReason() throws Exception {
        MovierecConfig c = TestStack.namespace("invalid_");
        try (EventProducer producer = new EventProducer(c)) {
            assertThatThrownBy(() -> producer.sendRating(RatingEvent.of(1, 2, 4.2, 1L, "test")))
                    .isInstanceOf(EventProducer.InvalidEventException.class)
                    .hasMessage("rating 1:2:1: rating must be a multiple of 0.5, got 4.2");
        }
        assertThat(KafkaAndElasticsearchIT.consumeAll(c, c.topic(Topics.RATINGS), 0))
                .isEmpty();
    }
}
