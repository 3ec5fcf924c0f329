package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.util.concurrent.Callable;
import movierec.es.EsClients;
import movierec.es.ExperimentDoc;
import movierec.es.ServingDoc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code movierec experiment start|status|stop|promote|rollback|report}: the commands over {@link Experiments}. */
@Command(
        name = "experiment",
        mixinStandardHelpOptions = true,
        description = "Run an experiment between variants, report its result, promote a variant or roll back.",
        subcommands = {
            ExperimentCommand.Start.class,
            ExperimentCommand.Status.class,
            ExperimentCommand.Stop.class,
            ExperimentCommand.Promote.class,
            ExperimentCommand.Rollback.class,
            ExperimentCommand.Report.class
        })
public final class ExperimentCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    /** The body of each subcommand, with the client it needs. */
    interface Action {
        void run(Experiments experiments) throws Exception;
    }

    static int with(Action action) throws Exception {
        try (ElasticsearchClient es = EsClients.create(Main.config())) {
            action.run(new Experiments(es, Main.config()));
        }
        return 0;
    }

    static void print(ExperimentDoc e) {
        System.out.printf(
                "%s: %s, split %s (kinds %s), started %s%s%n",
                e.name(),
                e.status(),
                e.split(),
                e.kinds(),
                java.time.Instant.ofEpochMilli(e.startedAt()),
                e.stoppedAt() == null ? "" : ", stopped " + java.time.Instant.ofEpochMilli(e.stoppedAt()));
    }

    static void print(ServingDoc s) {
        System.out.printf(
                "serving %s (%s)%s%n",
                s.variant(),
                s.kind(),
                s.previousVariant() == null ? "" : "; before it " + s.previousVariant() + " (rollback goes back)");
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start an experiment.")
    static final class Start implements Callable<Integer> {
        @Parameters(index = "0", description = "Experiment name (a-z, 0-9, -, _).")
        String name;

        @Option(
                names = "--split",
                required = true,
                description =
                        "Variants and their shares of users, e.g. blend=50,popularity=50; the first is the control.")
        String split;

        @Override
        public Integer call() throws Exception {
            return with(x -> print(x.start(name, split)));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "What is served, and every experiment.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return with(x -> {
                print(x.serving());
                for (ExperimentDoc e : x.all()) print(e);
            });
        }
    }

    @Command(
            name = "stop",
            mixinStandardHelpOptions = true,
            description = "Stop an experiment: everyone gets what is served.")
    static final class Stop implements Callable<Integer> {
        @Parameters(index = "0")
        String name;

        @Override
        public Integer call() throws Exception {
            return with(x -> print(x.stop(name)));
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description = "Serve a variant to everyone (stops a running experiment); no restart.")
    static final class Promote implements Callable<Integer> {
        @Parameters(index = "0")
        String variant;

        @Override
        public Integer call() throws Exception {
            return with(x -> print(x.promote(variant)));
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Back to the variant served before the last promotion.")
    static final class Rollback implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            return with(x -> print(x.rollback()));
        }
    }

    @Command(
            name = "report",
            mixinStandardHelpOptions = true,
            description =
                    "Per variant: users, impressions, hit rate@10 with its 95 % interval, the difference with the control and its p-value.")
    static final class Report implements Callable<Integer> {
        @Parameters(index = "0")
        String name;

        @Option(
                names = "--window-minutes",
                defaultValue = "30",
                description =
                        "A rating this long after a list was served counts as its hit (default ${DEFAULT-VALUE}).")
        double windowMinutes;

        @Override
        public Integer call() throws Exception {
            return with(x -> printReport(x.report(name, (long) (windowMinutes * 60_000))));
        }
    }

    static void printReport(Experiments.Report r) {
        System.out.printf(
                "experiment %s, %s to %s, hit = a rating of one of the first 10 movies within %.0f min%n",
                r.experiment(),
                java.time.Instant.ofEpochMilli(r.from()),
                java.time.Instant.ofEpochMilli(r.to()),
                r.windowMs() / 60_000.0);
        System.out.printf(
                "%-14s %-11s %7s %11s %9s %19s %12s %9s%n",
                "variant", "kind", "users", "impressions", "hit rate", "95% interval", "vs control", "p-value");
        for (Experiments.VariantResult v : r.variants()) {
            System.out.printf(
                    "%-14s %-11s %,7d %,11d %9.4f   [%.4f, %.4f] %12s %9s%n",
                    v.variant(),
                    v.kind(),
                    v.rate().users(),
                    v.rate().impressions(),
                    v.rate().rate(),
                    v.rate().low95(),
                    v.rate().high95(),
                    v.vsControl() == null
                            ? "(control)"
                            : String.format("%+.4f", v.vsControl().difference()),
                    v.vsControl() == null
                            ? ""
                            : String.format("%.2g", v.vsControl().pValue()));
        }
    }
}
