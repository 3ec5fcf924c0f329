package movierec.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ImpressionTest {
    @Test
    void idsAreVersion7UuidsThatSortByTime() {
        List<String> ids = new ArrayList<>();
        long start = 1_796_000_000_000L;
        for (long t = start; t < start + 2_000; t += 7) {
            UUID id = UUID.fromString(Impression.newId(t, ThreadLocalRandom.current()));
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(t);
            ids.add(id.toString());
        }
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        // the same millisecond: still distinct
        var same = new HashSet<String>();
        for (int i = 0; i < 1_000; i++) same.add(Impression.newId(start, ThreadLocalRandom.current()));
        assertThat(same).hasSize(1_000);
    }
}
