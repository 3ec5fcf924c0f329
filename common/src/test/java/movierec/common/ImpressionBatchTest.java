package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImpressionBatchTest {
    private final Impression user =
            new Impression("0190-a", 7L, Impression.RECOMMENDATIONS, null, "v1", "blend", List.of(3L, 1L, 2L), 1_000);
    private final Impression anonymous =
            new Impression("0190-b", null, Impression.SIMILAR, 5L, "v1", null, List.of(9L), 1_001);

    @Test
    void eachListIsSlicedBackOutOfTheValueAsItsIndexDocument() throws Exception {
        ImpressionBatch.Encoded e = ImpressionBatch.encode(List.of(user, anonymous));
        List<ImpressionBatch.Entry> entries = ImpressionBatch.decode(e.header());

        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).id()).isEqualTo("0190-a");
        assertThat(entries.get(0).userId()).isEqualTo(7L);
        assertThat(entries.get(0).servedAt()).isEqualTo(1_000);
        assertThat(entries.get(1).userId()).isNull();
        assertThat(entries.get(1).servedAt()).isEqualTo(1_001);
        assertThat(Events.JSON.readValue(slice(e.value(), entries.get(0)), Impression.class))
                .isEqualTo(user);
        assertThat(Events.JSON.readValue(slice(e.value(), entries.get(1)), Impression.class))
                .isEqualTo(anonymous);
    }

    @Test
    void theValueIsOneDocumentPerLineInTheIndexShape() {
        String value =
                new String(ImpressionBatch.encode(List.of(user, anonymous)).value(), StandardCharsets.UTF_8);
        String[] lines = value.split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("\"impression_id\":\"0190-a\"", "\"movie_ids\":[3,1,2]");
        assertThat(lines[1]).doesNotContain("user_id"); // absent, not null: the index is strict
    }

    @Test
    void aMalformedHeaderLineIsRefusedWithTheLine() {
        assertThatThrownBy(() -> ImpressionBatch.decode("0190-a 7 1000\n".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("0190-a 7 1000");
    }

    private static byte[] slice(byte[] value, ImpressionBatch.Entry e) {
        return Arrays.copyOfRange(value, e.offset(), e.offset() + e.length());
    }
}
