package movierec.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation split: per user, the latest {@code fraction} of their ratings by time (ties by movie id) are held
 * out; at least one is held out and at least one kept. Training tunes on the same split of its own data.
 */
public final class TemporalSplit {
    private TemporalSplit() {}

    /** Train and held-out ratings. */
    public record Split(List<RatingEvent> train, List<RatingEvent> test) {}

    public static Split of(List<RatingEvent> ratings, double fraction) {
        Map<Long, List<RatingEvent>> byUser = new LinkedHashMap<>();
        for (RatingEvent r : ratings)
            byUser.computeIfAbsent(r.userId(), u -> new ArrayList<>()).add(r);
        List<RatingEvent> train = new ArrayList<>();
        List<RatingEvent> test = new ArrayList<>();
        for (List<RatingEvent> mine : byUser.values()) {
            mine.sort(RatingEvent.OLDEST_FIRST);
            int n = mine.size();
            int held = n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(fraction * n)));
            train.addAll(mine.subList(0, n - held));
            test.addAll(mine.subList(n - held, n));
        }
        return new Split(train, test);
    }
}
