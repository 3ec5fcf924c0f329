package movierec.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the index mappings of the elasticsearch module (the files IndexBootstrap creates the indices from), so the
 * tests catch a chart or data view naming a field the indices do not have.
 */
final class EsMappings {
    private EsMappings() {}

    static Path file(Path kibanaModuleDir, String index) {
        Path f = kibanaModuleDir
                .resolve("../elasticsearch/src/main/resources/movierec/es/" + index + ".json")
                .normalize();
        if (!Files.isRegularFile(f)) throw new IllegalStateException("no mapping for index '" + index + "' at " + f);
        return f;
    }

    /** The mapping of a field: "title.keyword" is the keyword sub-field of "title"; empty when there is none. */
    static Optional<JsonNode> field(Path kibanaModuleDir, String index, String path) {
        JsonNode properties = NdjsonGenerator.read(file(kibanaModuleDir, index))
                .path("mappings")
                .path("properties");
        String[] parts = path.split("\\.");
        JsonNode field = properties.path(parts[0]);
        for (int i = 1; i < parts.length && !field.isMissingNode(); i++) {
            // An object field nests "properties"; a multi-field nests "fields".
            JsonNode next = field.path("properties").path(parts[i]);
            field = next.isMissingNode() ? field.path("fields").path(parts[i]) : next;
        }
        return field.isMissingNode() ? Optional.empty() : Optional.of(field);
    }
}
