package movierec.es;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class StoreUnavailableTest {
    static ElasticsearchException answer(int status) {
        return new ElasticsearchException(
                "search",
                ErrorResponse.of(e -> e.status(status).error(c -> c.type("t").reason("r"))));
    }

    @Test
    void transportFailuresAndBusyOrFailingAnswersAreUnavailable() {
        assertThatThrownBy(() -> StoreUnavailable.call(() -> {
                    throw new ConnectException("refused");
                }))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessageContaining("refused");
        for (int status : new int[] {429, 500, 503}) {
            assertThatThrownBy(() -> StoreUnavailable.call(() -> {
                        throw answer(status);
                    }))
                    .isInstanceOf(StoreUnavailable.class);
        }
        assertThat(StoreUnavailable.call(() -> "answer")).isEqualTo("answer");
    }

    @Test
    void aRequestElasticsearchCallsWrongStaysWhatItIs() {
        assertThatThrownBy(() -> StoreUnavailable.call(() -> {
                    throw answer(400);
                }))
                .isInstanceOf(ElasticsearchException.class)
                .isNotInstanceOf(StoreUnavailable.class);
    }
}
