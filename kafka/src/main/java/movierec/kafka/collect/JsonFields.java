package movierec.kafka.collect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading the APIs' JSON. The document is parsed leniently (unknown fields are the norm), but each field we use must
 * have the right type: a wrong type throws {@link IllegalArgumentException}, which skips that one movie with a reason
 * instead of guessing a value.
 */
final class JsonFields {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonFields() {}

    /** Parses a response body; malformed JSON fails the whole page. */
    static JsonNode parse(String body, String what) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) throw new CollectException(what + ": empty response body");
            return node;
        } catch (JsonProcessingException e) {
            // getOriginalMessage() leaves out the location/source excerpt: short, and never echoes the whole body.
            throw new CollectException(what + ": malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode field(JsonNode obj, String name) {
        JsonNode n = obj.get(name);
        return n == null || n.isNull() ? null : n;
    }

    /** Text, with "" (how both APIs say "unknown") as null. */
    static String text(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isTextual()) throw new IllegalArgumentException(name + " is not a string");
        return n.asText().isEmpty() ? null : n.asText();
    }

    static Long longValue(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isIntegralNumber() || !n.canConvertToLong())
            throw new IllegalArgumentException(name + " is not an integer");
        return n.longValue();
    }

    static Integer intValue(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isIntegralNumber() || !n.canConvertToInt())
            throw new IllegalArgumentException(name + " is not an integer");
        return n.intValue();
    }

    static Double doubleValue(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isNumber()) throw new IllegalArgumentException(name + " is not a number");
        return n.doubleValue();
    }

    static List<Integer> ints(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isArray()) throw new IllegalArgumentException(name + " is not an array");
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isIntegralNumber() || !e.canConvertToInt())
                throw new IllegalArgumentException(name + " holds a non-integer");
            out.add(e.intValue());
        }
        return out;
    }

    static List<String> strings(JsonNode obj, String name) {
        JsonNode n = field(obj, name);
        if (n == null) return null;
        if (!n.isArray()) throw new IllegalArgumentException(name + " is not an array");
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) throw new IllegalArgumentException(name + " holds a non-string");
            out.add(e.asText());
        }
        return out;
    }
}
