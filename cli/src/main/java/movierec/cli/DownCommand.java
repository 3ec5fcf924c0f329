package movierec.cli;

import java.util.concurrent.Callable;
import movierec.common.LocalProcess;
import picocli.CommandLine.Command;

/** Stops every process {@code up} started (single nodes or the cluster), by recorded pid: gracefully, then forcefully. */
@Command(
        name = "down",
        mixinStandardHelpOptions = true,
        description = "Stop everything `up` (or `up --cluster`) started.")
public final class DownCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        Stack stack = new Stack(Main.config());
        for (LocalProcess p : stack.everyProcessInStopOrder()) {
            boolean wasRunning = p.stop(30);
            // the cluster's nodes are listed only when they ran: a single-node stack's `down` stays as short as before
            if (wasRunning || !p.name().matches(".*-\\d+|spark-master"))
                System.out.println("  " + p.name() + ": " + (wasRunning ? "stopped" : "not running"));
        }
        stack.cluster().forget();
        return 0;
    }
}
