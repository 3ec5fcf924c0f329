package movierec.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import movierec.common.Events;
import movierec.common.Impression;
import movierec.common.ImpressionBatch;
import org.junit.jupiter.api.Test;

class ServedTest {
    @Test
    void aRecordsListsPassThroughAsTheirIndexDocumentsWithTheMoviesInOrder() throws Exception {
        Impression user =
                new Impression("i-1", 7L, Impression.RECOMMENDATIONS, null, "v1", "blend", List.of(3L, 1L, 2L), 1000);
        Impression anonymous = new Impression("i-2", null, Impression.SIMILAR, 5L, "v1", null, List.of(9L), 1001);
        ImpressionBatch.Encoded record = ImpressionBatch.encode(List.of(user, anonymous));
        List<Served> served = Served.fromRecord(record.value(), Map.of(ImpressionBatch.HEADER, record.header()));

        assertThat(served).hasSize(2);
        Served s = served.get(0);
        assertThat(s.getErasedAt()).isNull();
        assertThat(s.getId()).isEqualTo("i-1");
        assertThat(s.getUserId()).isEqualTo(7);
        assertThat(s.getServedAt()).isEqualTo(1000);
        assertThat(s.getDocument()).isEqualTo(Events.toJson(user)); // not parsed, not re-written
        JsonNode doc = Events.JSON.readTree(s.getDocument());
        assertThat(doc.path("impression_id").asText()).isEqualTo("i-1");
        assertThat(doc.path("user_id").asLong()).isEqualTo(7);
        assertThat(doc.path("model_version").asText()).isEqualTo("v1");
        assertThat(doc.path("movie_ids").toString()).isEqualTo("[3,1,2]");
        assertThat(doc.path("served_at").asLong()).isEqualTo(1000);
        assertThat(doc.has("movie_id")).isFalse(); // absent, not null: the index is strict
        assertThat(served.get(1).getId()).isEqualTo("i-2");
        assertThat(served.get(1).getUserId()).isNull(); // an anonymous visitor's
        assertThat(served.get(1).getDocument()).isEqualTo(Events.toJson(anonymous));
    }

    @Test
    void aRecordOfOneListAsTheApiSentThemBeforeIsReadFromItsHeaders() {
        Impression i = new Impression("i-4", 7L, Impression.RECOMMENDATIONS, null, "v1", "blend", List.of(3L), 1000);
        byte[] value = Events.toJson(i);
        List<Served> served = Served.fromRecord(
                value,
                Map.of(
                        Impression.HEADER_ID, utf8("i-4"),
                        Impression.HEADER_USER_ID, utf8("7"),
                        Impression.HEADER_SERVED_AT, utf8("1000")));
        assertThat(served).hasSize(1);
        assertThat(served.get(0).getId()).isEqualTo("i-4");
        assertThat(served.get(0).getUserId()).isEqualTo(7);
        assertThat(served.get(0).getServedAt()).isEqualTo(1000);
        assertThat(served.get(0).getDocument()).isSameAs(value);
    }

    @Test
    void aListLoggedBeforeTheHeadersIsParsedAndWrittenInTheIndexShape() throws Exception {
        byte[] old = ("{\"id\":\"i-3\",\"userId\":7,\"list\":\"recommendations\",\"modelVersion\":\"v1\","
                        + "\"variant\":\"blend\",\"items\":[3,1],\"servedAt\":1000}")
                .getBytes(StandardCharsets.UTF_8);
        Served s = Served.fromRecord(old, Map.of()).get(0);
        assertThat(s.getId()).isEqualTo("i-3");
        assertThat(s.getUserId()).isEqualTo(7);
        assertThat(s.getServedAt()).isEqualTo(1000);
        assertThat(Events.JSON.readValue(s.getDocument(), Impression.class))
                .isEqualTo(new Impression("i-3", 7L, "recommendations", null, "v1", "blend", List.of(3L, 1L), 1000));
        assertThat(Events.JSON.readTree(s.getDocument()).has("movie_ids")).isTrue();
    }

    @Test
    void anErasureMarkerNamesTheUserAndTheTimeAndErasesWhatWasServedUpToTheClockSkewAfterIt() {
        Served s = Served.fromRecord(Served.erasure(7, 50_000), Map.of()).get(0);
        assertThat(s.getUserId()).isEqualTo(7);
        assertThat(s.getErasedAt()).isEqualTo(50_000);
        assertThat(s.getDocument()).isNull();
        assertThat(ImpressionsSink.servedBefore(50_000)).isEqualTo(50_000 + ImpressionsSink.CLOCK_SKEW_MS);
    }

    @Test
    void aListIsErasedWhenItsUserWasErasedAfterItWasServedAllowingForClockSkew() {
        Map<Long, Long> erasedAt = Map.of(7L, 50_000L);
        assertThat(ImpressionsSink.erased(list(7L, 40_000), erasedAt)).isTrue();
        // served a little after the erasure's time by a server whose clock is ahead: still erased
        assertThat(ImpressionsSink.erased(list(7L, 50_000 + ImpressionsSink.CLOCK_SKEW_MS - 1), erasedAt))
                .isTrue();
        // served after the erasure (the user came back): kept
        assertThat(ImpressionsSink.erased(list(7L, 50_000 + ImpressionsSink.CLOCK_SKEW_MS), erasedAt))
                .isFalse();
        assertThat(ImpressionsSink.erased(list(8L, 40_000), erasedAt)).isFalse(); // another user
        assertThat(ImpressionsSink.erased(list(null, 40_000), erasedAt)).isFalse(); // an anonymous visitor
    }

    private static Served list(Long userId, long servedAt) {
        Served s = new Served();
        s.setUserId(userId);
        s.setServedAt(servedAt);
        return s;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
