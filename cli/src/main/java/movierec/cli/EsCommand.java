package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.util.concurrent.Callable;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.IndexBootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Index maintenance. */
@Command(
        name = "es",
        mixinStandardHelpOptions = true,
        description = "Elasticsearch index maintenance.",
        subcommands = {EsCommand.Migrate.class, EsCommand.Bootstrap.class})
public final class EsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            description =
                    "Move an alias to a new index version (reindex, then atomic alias swap): readers see no downtime.")
    static final class Migrate implements Callable<Integer> {
        @Parameters(description = "Index alias: movies, users, ratings or models.")
        String name;

        @Override
        public Integer call() throws Exception {
            if (!IndexBootstrap.INDICES.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown index '" + name + "': use one of " + IndexBootstrap.INDICES);
            }
            MovierecConfig config = Main.config();
            try (ElasticsearchClient es = EsClients.create(config)) {
                IndexBootstrap b = new IndexBootstrap(es, config);
                String from = b.currentIndex(name);
                String to = b.migrate(name);
                System.out.println("alias " + config.index(name) + ": " + from + " -> " + to);
            }
            return 0;
        }
    }

    @Command(name = "bootstrap", mixinStandardHelpOptions = true, description = "Create missing indices and aliases.")
    static final class Bootstrap implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            MovierecConfig config = Main.config();
            try (ElasticsearchClient es = EsClients.create(config)) {
                System.out.println("created: " + new IndexBootstrap(es, config).ensure());
            }
            return 0;
        }
    }
}
