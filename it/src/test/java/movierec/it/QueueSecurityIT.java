package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import movierec.common.MovieEvent;
import movierec.common.MovierecConfig;
import movierec.common.RatingEvent;
import movierec.kafka.EventProducer;
import movierec.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local Kafka the tests run on is secured as {@code up} secures it: a client without credentials or with a wrong
 * password gets nowhere, and each component's user may do what that component does and no more (ACLs of
 * {@link Topics#acls}). Every refusal is expected within seconds, not after a client's default minutes of retries.
 */
class QueueSecurityIT {
    /** Short enough that a refused client fails the test quickly, long enough for a real answer on a busy machine. */
    static final Map<String, String> FAST = Map.of(
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "8000",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");

    static MovierecConfig config;

    @BeforeAll
    static void setUp() throws Exception {
        config = TestStack.namespace("queuesec_");
    }

    @Test
    void aClientWithoutCredentialsCannotProduceOrConsume() {
        // kafka.security.local=false: a plain client, as any program that was not given a password would be.
        MovierecConfig anonymous = config.with(Map.of("kafka.security.local", "false"));
        // The SASL listener closes a connection that does not start with the SASL handshake: the client never gets
        // metadata, so it times out.
        assertThat(failure(() -> produce(anonymous)))
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        assertThat(failure(() -> consume(anonymous, Topics.RATINGS)))
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
    }

    @Test
    void aWrongPasswordIsRefused() {
        MovierecConfig wrong = config.with(Map.of(
                "kafka.security.local", "false", // explicit settings only, not the credentials file
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-256",
                "kafka.sasl.username", "movierec-cli",
                "kafka.sasl.password", "not-the-password"));
        assertThat(failure(() -> produce(wrong))).isInstanceOf(SaslAuthenticationException.class);
        assertThat(failure(() -> consume(wrong, Topics.RATINGS))).isInstanceOf(SaslAuthenticationException.class);
        // An unknown user fails the same way, and so does a wrong password on PLAIN (offered for third-party tools).
        MovierecConfig unknown = wrong.with(Map.of("kafka.sasl.username", "mallory"));
        assertThat(failure(() -> produce(unknown))).isInstanceOf(SaslAuthenticationException.class);
        MovierecConfig plain = wrong.with(Map.of("kafka.sasl.mechanism", "PLAIN"));
        assertThat(failure(() -> produce(plain))).isInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void theApiWritesRatingsButCannotReadThemOrWriteMovies() throws Exception {
        MovierecConfig api = TestStack.as(config, "api");
        assertThat(produce(api)).isGreaterThanOrEqualTo(0);
        assertThat(failure(() -> consume(api, Topics.RATINGS))).isInstanceOf(TopicAuthorizationException.class);
        try (EventProducer producer = new EventProducer(api, FAST)) {
            assertThat(failure(() -> producer.sendMovie(MovieEvent.of(990001L, "x", null, "queuesec"))
                            .get(15, TimeUnit.SECONDS)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void theStreamJobReadsRatingsButCannotWriteThem() throws Exception {
        produce(TestStack.as(config, "cli"));
        MovierecConfig stream = TestStack.as(config, "stream");
        assertThat(consume(stream, Topics.RATINGS)).isPositive();
        assertThat(failure(() -> produce(stream))).isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void noComponentReadsWhatItNeedNotNorCreatesOrDeletesTopicsOrAcls() throws Exception {
        MovierecConfig cli = TestStack.as(config, "cli");
        assertThat(produce(cli)).isGreaterThanOrEqualTo(0);
        assertThat(failure(() -> consume(cli, Topics.RATINGS))).isInstanceOf(TopicAuthorizationException.class);
        try (Admin admin = Topics.admin(cli)) {
            // Topics and ACLs are created as the broker's user (Topics.ensure); the components' users cannot.
            assertThat(failure(
                            () -> admin.createTopics(List.of(new NewTopic(config.topic("made-by-cli"), 1, (short) 1)))
                                    .all()
                                    .get(15, TimeUnit.SECONDS)))
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThat(failure(() -> admin.createAcls(Topics.acls(config.with(Map.of("namespace", "grab_"))))
                            .all()
                            .get(15, TimeUnit.SECONDS)))
                    .isInstanceOf(ClusterAuthorizationException.class);
        }
        try (Admin admin = Topics.admin(TestStack.as(config, "stream"))) {
            assertThat(failure(() -> admin.deleteTopics(List.of(config.topic(Topics.RATINGS)))
                            .all()
                            .get(15, TimeUnit.SECONDS)))
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    /** Produces one rating as {@code c}'s user and returns its offset. */
    static long produce(MovierecConfig c) throws Exception {
        try (EventProducer producer = new EventProducer(c, FAST)) {
            return producer.sendRating(RatingEvent.of(1, 1, 4.0, System.currentTimeMillis(), "queuesec"))
                    .get(15, TimeUnit.SECONDS)
                    .offset();
        }
    }

    /** Reads {@code topic} from the start as {@code c}'s user; returns how many records it got. */
    static int consume(MovierecConfig c, String topic) {
        try (KafkaConsumer<String, String> consumer =
                TestStack.consumer(c, c.topic(topic), StringDeserializer.class, StringDeserializer.class)) {
            int n = 0;
            for (int i = 0; i < 4; i++)
                n += consumer.poll(Duration.ofMillis(500)).count();
            return n;
        }
    }

    /** What {@code call} failed with, unwrapped from executor and future wrappers; fails when it succeeds. */
    static Throwable failure(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("refused").isNotNull();
        while ((t instanceof java.util.concurrent.ExecutionException
                        || t instanceof org.apache.kafka.common.KafkaException
                                && !(t instanceof org.apache.kafka.common.errors.ApiException))
                && t.getCause() != null) t = t.getCause();
        return t;
    }
}
