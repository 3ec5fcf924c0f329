package movierec.cli;

import java.util.concurrent.Callable;
import movierec.common.MovierecConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code movierec} command: run the local system, load data, train, evaluate, benchmark. */
@Command(
        name = "movierec",
        mixinStandardHelpOptions = true,
        version = "movierec 0.1.0",
        description = "Real-time movie recommendations: Kafka -> Spark -> Elasticsearch -> REST API.",
        subcommands = {
            UpCommand.class,
            DownCommand.class,
            StatusCommand.class,
            KeysCommand.class,
            LogsCommand.class,
            LoadCommand.class,
            CollectCommand.class,
            SimulateCommand.class,
            TrainCommand.class,
            ModelsCommand.class,
            ExperimentCommand.class,
            EvaluateCommand.class,
            BenchCommand.class,
            EsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        // Errors a user can act on print as one line, without a stack trace, and exit non-zero.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            cmd.getErr().println("movierec: " + msg);
            if (System.getenv("MOVIEREC_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return 1;
        });
        System.exit(cli.execute(args));
    }

    /** The configuration, with the keys of a cluster {@code up --cluster} started layered over it while it runs. */
    static MovierecConfig config() {
        return LocalCluster.apply(MovierecConfig.load());
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }
}
