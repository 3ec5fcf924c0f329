package movierec.spark;

import co.elastic.clients.json.JsonpMapper;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import java.io.StringWriter;

/** A document as the Elasticsearch client's Jackson mapper (the one {@code EsClients} builds) writes it into a request. */
final class EsJson {
    private static final JsonpMapper MAPPER = new JacksonJsonpMapper();

    private EsJson() {}

    static String of(Object document) {
        StringWriter out = new StringWriter();
        try (var generator = MAPPER.jsonProvider().createGenerator(out)) {
            MAPPER.serialize(document, generator);
        }
        return out.toString();
    }
}
