package movierec.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import movierec.api.UserProfiles;
import movierec.common.MovierecConfig;
import movierec.common.Vectors;
import movierec.es.ModelCache;

/**
 * Simulated users who respond to what they are shown ({@code movierec simulate --respond}): each fetches their
 * recommendations through the API and rates the movies of the list that match a hidden taste. The taste is fixed at the
 * start: the {@link #LIKED} movies the user would score highest, by their vector in the model at that moment plus
 * Gaussian noise (a third of the scores' spread), among those they have not rated. A liked movie in a list is rated
 * (4.5) with probability {@link #P_LIKED}, any other with {@link #P_OTHER} (3.0), so a variant that shows users what
 * they like collects more ratings of what it showed, which is what an experiment's hit rate counts.
 */
public final class RespondingUsers {
    static final int LIKED = 50;
    static final double P_LIKED = 0.5;
    static final double P_OTHER = 0.01;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run did: lists fetched (per variant), ratings sent, failed requests. */
    public record Result(long lists, long ratings, long failures, Map<String, Long> listsByVariant) {}

    private final ElasticsearchClient es;
    private final MovierecConfig config;
    private final BenchApi api;
    private final PrintStream out;

    public RespondingUsers(
            ElasticsearchClient es, MovierecConfig config, String apiUrl, String apiKey, PrintStream out) {
        this.es = es;
        this.config = config;
        this.api = new BenchApi(apiUrl, apiKey);
        this.out = out;
    }

    /** {@code users} take turns for {@code seconds}, {@code perSecond} lists a second in all, on a few threads. */
    public Result run(List<Long> users, double perSecond, double seconds, long seed) throws Exception {
        Map<Long, Set<Long>> liked = tastes(users, new Random(seed));
        if (liked.isEmpty()) throw new IllegalStateException("none of the users has a vector yet: train a model first");
        List<Long> who = new ArrayList<>(liked.keySet());
        AtomicLong lists = new AtomicLong(), ratings = new AtomicLong(), failures = new AtomicLong();
        Map<String, Long> byVariant = new ConcurrentHashMap<>();
        long total = (long) (perSecond * seconds);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long t0 = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = t0 + (long) (i * 1e9 / perSecond);
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000);
            long user = who.get(Math.floorMod(new Random(seed + i).nextInt(), who.size()));
            Random dice = new Random(seed * 31 + i);
            pool.execute(() -> {
                try {
                    HttpResponse<String> r = api.get("/api/users/" + user + "/recommendations?k=10");
                    if (r.statusCode() != 200) {
                        failures.incrementAndGet();
                        return;
                    }
                    JsonNode list = JSON.readTree(r.body());
                    lists.incrementAndGet();
                    byVariant.merge(list.path("variant").asText(), 1L, Long::sum);
                    for (JsonNode item : list.path("items")) {
                        long movie = item.path("movie").path("id").asLong();
                        boolean likes = liked.get(user).contains(movie);
                        if (dice.nextDouble() >= (likes ? P_LIKED : P_OTHER)) continue;
                        HttpResponse<String> rated = api.post(
                                "/api/users/" + user + "/ratings",
                                "{\"movieId\": " + movie + ", \"rating\": " + (likes ? 4.5 : 3.0) + "}");
                        if (rated.statusCode() == 202) ratings.incrementAndGet();
                        else failures.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
            if (i > 0 && i % Math.max(1, (long) (perSecond * 5)) == 0)
                out.printf(
                        "simulate: %,d lists (%s), %,d ratings, %,d failed%n",
                        lists.get(), byVariant, ratings.get(), failures.get());
        }
        pool.shutdown();
        pool.awaitTermination(60, TimeUnit.SECONDS);
        out.printf(
                "simulate: %,d lists (%s), %,d ratings, %,d failed%n",
                lists.get(), byVariant, ratings.get(), failures.get());
        return new Result(lists.get(), ratings.get(), failures.get(), Map.copyOf(byVariant));
    }

    /** Each user's hidden taste: the movies they would like most, by their vector now plus noise, unrated ones only. */
    private Map<Long, Set<Long>> tastes(List<Long> users, Random random) throws Exception {
        ModelCache.Model model = ModelCache.loadOnce(es, config);
        UserProfiles profiles = new UserProfiles(es, config);
        Map<Long, Set<Long>> out = new java.util.LinkedHashMap<>();
        for (long u : users) {
            UserProfiles.Profile p = profiles.profile(u);
            if (p == null || p.vector() == null) continue;
            List<double[]> scored = new ArrayList<>(); // {movie id, score}
            for (ModelCache.Item item : model.items().values()) {
                if (p.rated().contains(item.id())) continue;
                scored.add(new double[] {item.id(), Vectors.dot(p.vector(), item.embedding())});
            }
            double mean = scored.stream().mapToDouble(s -> s[1]).average().orElse(0);
            double sd = Math.sqrt(scored.stream()
                    .mapToDouble(s -> (s[1] - mean) * (s[1] - mean))
                    .average()
                    .orElse(0));
            for (double[] s : scored) s[1] += random.nextGaussian() * sd / 3;
            scored.sort(Comparator.comparingDouble((double[] s) -> s[1]).reversed());
            Set<Long> top = new HashSet<>();
            for (int i = 0; i < Math.min(LIKED, scored.size()); i++) top.add((long) scored.get(i)[0]);
            out.put(u, top);
        }
        return out;
    }
}
