package movierec.common;

import java.io.PrintStream;

/**
 * A progress bar for long-running commands: redrawn in place on a terminal, a line every few seconds otherwise
 * (logs, CI), so long steps always show that they are moving.
 */
public final class Progress {
    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private final long doneAtStart;
    private long lastPrint;
    private long done;

    public Progress(String label, long total, PrintStream out) {
        this(label, 0, total, out);
    }

    /**
     * Progress towards {@code total} that starts at {@code done} (e.g. offsets read before the wait began): the bar
     * shows it, the rate counts only what is done from now on.
     */
    public Progress(String label, long done, long total, PrintStream out) {
        this.label = label;
        this.done = done;
        this.doneAtStart = done;
        this.total = total;
        this.out = out;
        this.terminal = System.console() != null;
    }

    public void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastPrint > (terminal ? 100_000_000L : 5_000_000_000L)) {
            lastPrint = now;
            print(false);
        }
    }

    public void finish() {
        print(true);
    }

    public double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    private void print(boolean last) {
        double secs = seconds();
        double pct = total > 0 ? 100.0 * done / total : 100;
        int width = 30;
        int filled = (int) Math.round(width * Math.min(1, pct / 100));
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        String line = String.format(
                "%-8s [%s] %5.1f%% %,d/%,d  %,.0f/s  %.1fs",
                label, bar, pct, done, total, secs > 0 ? (done - doneAtStart) / secs : 0, secs);
        if (terminal) out.print("\r" + line + (last ? "\n" : ""));
        else out.println(line);
        out.flush();
    }
}
