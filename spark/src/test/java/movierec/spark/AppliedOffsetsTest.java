package movierec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AppliedOffsetsTest {
    @Test
    void aRatingsBatchCountsOnceTheUsersQueryReadAllItsPairs() {
        AppliedOffsets a = new AppliedOffsets();
        a.ratingsDone(Map.of(0, 10L, 1, 7L), Map.of(0, 4L, 2, 9L));
        assertEquals(Map.of(), a.applied());
        a.usersDone(Map.of(0, 5L, 2, 9L)); // pairs partition 2 read up to 8 only
        assertEquals(Map.of(), a.applied());
        a.usersDone(Map.of(2, 10L));
        assertEquals(Map.of(0, 10L, 1, 7L), a.applied());
    }

    @Test
    void aBatchWithoutPairsCountsAtOnceOnceTheEarlierOnesDo() {
        AppliedOffsets a = new AppliedOffsets();
        a.ratingsDone(Map.of(0, 10L), Map.of(1, 3L));
        a.ratingsDone(Map.of(0, 12L), Map.of()); // wrote nothing, but batch 1's pairs are still unread
        assertEquals(Map.of(), a.applied());
        a.usersDone(Map.of(1, 4L));
        assertEquals(Map.of(0, 12L), a.applied());
        a.ratingsDone(Map.of(0, 15L), Map.of());
        assertEquals(Map.of(0, 15L), a.applied());
    }

    @Test
    void pairsWrittenBeforeAStartMustBeReadFirst() {
        AppliedOffsets a = new AppliedOffsets();
        // at start: the ratings checkpoint's offsets, and every pair already in the topic
        a.ratingsDone(Map.of(0, 100L, 1, 50L), Map.of(0, 30L));
        a.usersDone(Map.of(0, 20L)); // the users checkpoint is behind
        assertEquals(Map.of(), a.applied());
        a.usersDone(Map.of(0, 31L));
        assertEquals(Map.of(0, 100L, 1, 50L), a.applied());
    }

    @Test
    void appliedOffsetsNeverMoveBack() {
        AppliedOffsets a = new AppliedOffsets();
        a.ratingsDone(Map.of(0, 10L), Map.of());
        a.ratingsDone(Map.of(0, 8L, 1, 2L), Map.of()); // a replayed batch after a restart
        assertEquals(Map.of(0, 10L, 1, 2L), a.applied());
    }
}
