package movierec.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Shows a component's log. */
@Command(
        name = "logs",
        mixinStandardHelpOptions = true,
        description =
                "Show the log of kafka, elasticsearch, stream or api (cluster mode: also kafka-N, elasticsearch-N, spark-master, spark-worker-N).")
public final class LogsCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            defaultValue = "stream",
            description = "Component: kafka, elasticsearch, stream, api (default ${DEFAULT-VALUE}).")
    String component;

    @Option(
            names = {"-n", "--lines"},
            defaultValue = "50",
            description = "Lines to show (default ${DEFAULT-VALUE}).")
    int lines;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep printing new lines.")
    boolean follow;

    @Override
    public Integer call() throws Exception {
        Path log = Main.config().dataDir().resolve("logs").resolve(component + ".log");
        // up --cluster's nodes have their own logs: kafka-1..3, elasticsearch-1..3, spark-master, spark-worker-N
        if (!List.of("kafka", "elasticsearch", "stream", "api").contains(component)
                && !(component.matches("[a-z]+(-[a-z]+)?(-\\d+)?") && Files.exists(log))) {
            System.err.println(
                    "movierec: unknown component '" + component + "': use kafka, elasticsearch, stream or api"
                            + " (cluster mode also kafka-N, elasticsearch-N, spark-master, spark-worker-N)");
            return 2;
        }
        if (!Files.exists(log)) {
            System.err.println("movierec: no log yet at " + log + ": has `./movierec up` run?");
            return 1;
        }
        List<String> cmd = follow
                ? List.of("tail", "-n", String.valueOf(lines), "-F", log.toString())
                : List.of("tail", "-n", String.valueOf(lines), log.toString());
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
