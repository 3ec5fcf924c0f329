package movierec.it;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import movierec.api.Explanations;
import movierec.api.Filters;
import movierec.api.PersonalRecommendations;
import movierec.api.PopularMovies;
import movierec.api.Recommendation;
import movierec.api.UserProfiles;
import movierec.common.Experiment;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelCache;
import org.junit.jupiter.api.Test;

/**
 * The {@code next} variant on the trained model in Elasticsearch: training wrote each movie's strongest transitions
 * beside its vectors, and a user's {@code next} list is the blend's top 100 re-ranked by them: k distinct movies the
 * user has not rated, all among the blend's top 100, and not simply the blend's top k.
 */
class NextVariantIT {
    @Test
    void theNextListIsTheBlendsTopHundredReRankedByWhatFollowsTheLastMovies() throws Exception {
        MovierecConfig c = ApiFixture.config();
        try (ElasticsearchClient es = EsClients.create(c);
                ModelCache models = new ModelCache(es, c)) {
            ModelCache.Model model = models.current();
            long withRows = model.items().values().stream()
                    .filter(i -> i.followers().movieIds().length > 0)
                    .count();
            assertThat(withRows)
                    .as("movies with transition rows")
                    .isGreaterThan(model.items().size() / 2);
            UserProfiles users = new UserProfiles(es, c);
            PersonalRecommendations personal = new PersonalRecommendations(
                    es, c, models, users, new PopularMovies(es, c), new Explanations(users, models));
            int reordered = 0;
            for (long user = 301; user <= 320; user++) {
                Set<Long> rated = users.profile(user).rated();
                List<Long> next = ids(personal.forUser(user, 10, Filters.NONE, 0, Experiment.Kind.NEXT)
                        .items());
                List<Long> blend100 = ids(personal.forUser(user, 100, Filters.NONE, 0, Experiment.Kind.BLEND)
                        .items());
                assertThat(next).as("user " + user).hasSize(10).doesNotHaveDuplicates();
                assertThat(next).as("user " + user + ": unrated").noneMatch(rated::contains);
                assertThat(blend100)
                        .as("user " + user + ": the blend's top 100")
                        .containsAll(next);
                if (!next.equals(blend100.subList(0, 10))) reordered++;
            }
            assertThat(reordered).as("users whose list the transitions changed").isGreaterThan(10);
        }
    }

    private static List<Long> ids(List<Recommendation> items) {
        List<Long> out = items.stream().map(Recommendation::movieId).toList();
        assertThat(new HashSet<>(out)).hasSameSizeAs(out);
        return out;
    }
}
