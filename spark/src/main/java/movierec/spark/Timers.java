package movierec.spark;

import org.apache.spark.sql.streaming.StatefulProcessorHandle;

/** The processing-time timers of a stateful stage's current key. */
final class Timers {
    private Timers() {}

    /** Deletes every timer of the current key. */
    static void clear(StatefulProcessorHandle handle) {
        handle.listTimers().foreach(t -> {
            handle.deleteTimer((Long) t);
            return null;
        });
    }

    /** The current key's one timer, at {@code at}: any earlier one deleted. */
    static void replace(StatefulProcessorHandle handle, long at) {
        clear(handle);
        handle.registerTimer(at);
    }
}
