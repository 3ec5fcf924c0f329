package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import movierec.api.ApiKey;
import movierec.api.ApiKeys;
import movierec.api.Scope;
import movierec.common.MovierecConfig;
import movierec.es.IndexBootstrap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** API keys: create (the key is printed once, only its salted hash is stored), list, revoke. */
@Command(
        name = "keys",
        mixinStandardHelpOptions = true,
        description = "Create, list and revoke the REST API's keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a key and print it (the only time it is shown).")
    static final class Create implements Callable<Integer> {
        @Option(
                names = "--name",
                required = true,
                description =
                        "Who uses the key, e.g. shop-frontend: ratings it writes carry this name as their source.")
        String name;

        @Option(
                names = "--scope",
                defaultValue = "read",
                description =
                        "read (recommendations, movies, search, users), write (also ratings) or admin (default ${DEFAULT-VALUE}).")
        String scope;

        @Override
        public Integer call() throws Exception {
            Scope s = Scope.parse(scope);
            ApiKey.checkName(name);
            MovierecConfig config = Main.config();
            try (ElasticsearchClient es = Stack.reachableElasticsearch(config)) {
                new IndexBootstrap(es, config).ensure();
                ApiKey.Issued issued = new ApiKeys(es, config).create(name, s);
                System.out.println("API key '" + name + "' (scope " + s.label()
                        + "), shown only now: keep it where the client keeps secrets.");
                System.out.println(issued.key());
                System.out.println(
                        "Send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'. Revoke it with ./movierec keys revoke "
                                + name);
            }
            return 0;
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every key: name, scope, created, last used, revoked.")
    static final class ListKeys implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            MovierecConfig config = Main.config();
            try (ElasticsearchClient es = Stack.reachableElasticsearch(config)) {
                List<ApiKey> keys = new ApiKeys(es, config).list();
                if (keys.isEmpty()) {
                    System.out.println("no API keys: ./movierec keys create --name NAME --scope write makes one");
                    return 0;
                }
                String format = "%-24s %-6s %-21s %-21s %s%n";
                System.out.printf(format, "NAME", "SCOPE", "CREATED", "LAST USED", "STATE");
                for (ApiKey k : keys) {
                    System.out.printf(
                            format,
                            k.name(),
                            k.scope().label(),
                            time(k.createdAt()),
                            k.lastUsedAt() == null ? "never" : time(k.lastUsedAt()),
                            k.revoked() ? "revoked " + time(k.revokedAt()) : "active");
                }
            }
            return 0;
        }

        private static String time(long millis) {
            return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke every active key with this name.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The key's name (./movierec keys list).")
        String name;

        @Override
        public Integer call() throws Exception {
            MovierecConfig config = Main.config();
            try (ElasticsearchClient es = Stack.reachableElasticsearch(config)) {
                int n = new ApiKeys(es, config).revoke(name);
                if (n == 0)
                    throw new IllegalArgumentException(
                            "no active API key named '" + name + "': ./movierec keys list shows them");
                System.out.printf(
                        "revoked %d key%s named '%s'; every API process refuses it within %s ms (api.auth.cache.ms)%n",
                        n, n == 1 ? "" : "s", name, config.get("api.auth.cache.ms"));
            }
            return 0;
        }
    }
}
