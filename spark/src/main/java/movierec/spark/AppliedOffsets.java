package movierec.spark;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which {@code ratings} offsets the users' documents reflect, from batch progress alone (offsets, never rows). A
 * rating reaches a user's document in two steps: the ratings query applies it and writes the pair to
 * {@code ratings.pairs}, then the users query reads the pair and writes the user. So once a ratings batch that read
 * the {@code ratings} partitions up to {@code ratingsEnd} has had every pair it wrote acknowledged (up to
 * {@code pairsWritten}), and a users batch that read past all those pairs has committed, every event before
 * {@code ratingsEnd} is in the users' documents. Tracking it per batch, not per user, makes it exact: a user's two
 * pairs of one batch, written by two tasks, cannot be half read without it showing.
 *
 * <p>Offsets here are Kafka's: {@code ratingsEnd} and {@code pairsConsumed} are the next offsets to read (exclusive),
 * {@code pairsWritten} the last offsets written (inclusive).
 */
final class AppliedOffsets {
    private record Step(Map<Integer, Long> ratingsEnd, Map<Integer, Long> pairsWritten) {}

    private final Deque<Step> waiting = new ArrayDeque<>();
    private final Map<Integer, Long> written = new HashMap<>();
    private final Map<Integer, Long> consumed = new HashMap<>();
    private Map<Integer, Long> applied = Map.of();

    /** A ratings batch committed: it read {@code ratings} up to {@code ratingsEnd}; its pairs are in {@code pairs}. */
    synchronized void ratingsDone(Map<Integer, Long> ratingsEnd, Map<Integer, Long> pairs) {
        pairs.forEach((p, o) -> written.merge(p, o, Math::max));
        waiting.addLast(new Step(Map.copyOf(ratingsEnd), Map.copyOf(written)));
        advance();
    }

    /** A users batch committed, having read {@code ratings.pairs} up to {@code pairsEnd}. */
    synchronized void usersDone(Map<Integer, Long> pairsEnd) {
        pairsEnd.forEach((p, o) -> consumed.merge(p, o, Math::max));
        advance();
    }

    /** Per {@code ratings} partition, the offset below which every event is in the users' documents. */
    synchronized Map<Integer, Long> applied() {
        return applied;
    }

    private void advance() {
        while (!waiting.isEmpty() && read(waiting.peekFirst().pairsWritten())) {
            Step s = waiting.pollFirst();
            Map<Integer, Long> next = new HashMap<>(applied);
            s.ratingsEnd().forEach((p, o) -> next.merge(p, o, Math::max));
            applied = Map.copyOf(next);
        }
    }

    private boolean read(Map<Integer, Long> pairs) {
        for (var e : pairs.entrySet()) {
            if (consumed.getOrDefault(e.getKey(), 0L) <= e.getValue()) return false;
        }
        return true;
    }
}
