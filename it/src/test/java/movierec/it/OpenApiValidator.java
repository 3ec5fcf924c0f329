package movierec.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks HTTP responses against the API's OpenAPI 3.0 document ({@code api/src/main/resources/web/openapi.json}).
 * <p>OpenAPI 3.0 schema objects are not JSON Schema, so each one is translated before it is handed to the
 * networknt JSON-schema validator (draft 2020-12): {@code $ref: #/components/schemas/X} becomes {@code #/$defs/X}
 * (all component schemas are carried along as {@code $defs}), {@code nullable: true} adds {@code "null"} to the
 * type, OpenAPI-only keywords ({@code example}, numeric {@code format}s...) are dropped. The translation is
 * <em>strict</em>: an object schema that lists {@code properties} and says nothing about
 * {@code additionalProperties} gets {@code additionalProperties: false}, so a field the server returns but the
 * document does not describe is reported (the document opts out explicitly with {@code additionalProperties: true}).
 */
final class OpenApiValidator {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OPENAPI_ONLY =
            Set.of("example", "xml", "discriminator", "externalDocs", "nullable");
    private static final Set<String> NUMERIC_FORMATS =
            Set.of("int32", "int64", "float", "double", "byte", "binary", "password");
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final JsonNode doc;
    private final ObjectNode defs;
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<JsonNode, JsonSchema> compiled = new IdentityHashMap<>();

    OpenApiValidator(JsonNode doc) {
        this.doc = doc;
        this.defs = JsonNodeFactory.instance.objectNode();
        doc.path("components").path("schemas").properties().forEach(e -> defs.set(e.getKey(), translate(e.getValue())));
    }

    static OpenApiValidator of(String json) throws Exception {
        return new OpenApiValidator(JSON.readTree(json));
    }

    JsonNode doc() {
        return doc;
    }

    /** Problems swagger-parser finds in the document (unresolvable $ref, misplaced or missing fields...). */
    List<String> specProblems() throws Exception {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult r = new OpenAPIV3Parser().readContents(JSON.writeValueAsString(doc), null, options);
        List<String> out = new ArrayList<>(r.getMessages() == null ? List.of() : r.getMessages());
        if (r.getOpenAPI() == null) out.add("swagger-parser could not read the document");
        collectRefs(doc, "#", out);
        return out;
    }

    private void collectRefs(JsonNode n, String where, List<String> out) {
        if (n.isObject()) {
            JsonNode ref = n.get("$ref");
            if (ref != null && ref.isTextual() && resolvePointer(ref.asText()).isMissingNode())
                out.add(where + ": unresolvable $ref " + ref.asText());
            n.properties().forEach(e -> collectRefs(e.getValue(), where + "/" + e.getKey(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) collectRefs(n.get(i), where + "/" + i, out);
        }
    }

    /** Every documented operation as "METHOD /path/{template}". */
    Set<String> operations() {
        Set<String> out = new TreeSet<>();
        doc.path("paths")
                .properties()
                .forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
                    if (METHODS.contains(m)) out.add(m.toUpperCase() + " " + p.getKey());
                }));
        return out;
    }

    /** The operation object, or a missing node. */
    JsonNode operation(String method, String template) {
        return doc.path("paths").path(template).path(method.toLowerCase());
    }

    /** The documented path template that {@code path} (no query) matches, or null; literal segments win over {params}. */
    String template(String path) {
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> it = doc.path("paths").fieldNames(); it.hasNext(); ) {
            String t = it.next();
            String regex = "^" + Pattern.quote(t).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q") + "/?$";
            if (Pattern.compile(regex).matcher(path).matches()) {
                int literals = t.replaceAll("\\{[^}/]+}", "").length();
                if (literals > bestLiterals) {
                    best = t;
                    bestLiterals = literals;
                }
            }
        }
        return best;
    }

    Set<String> statuses(String method, String template) {
        Set<String> out = new LinkedHashSet<>();
        operation(method, template).path("responses").fieldNames().forEachRemaining(out::add);
        return out;
    }

    /** The response object for a status (following $ref), or a missing node. */
    JsonNode response(String method, String template, int status) {
        JsonNode responses = operation(method, template).path("responses");
        JsonNode r = responses.has(String.valueOf(status))
                ? responses.get(String.valueOf(status))
                : responses.path("default");
        return resolve(r);
    }

    /** The documented schema of a response body of a media type (e.g. application/json), or a missing node. */
    JsonNode responseSchema(String method, String template, int status, String mediaType) {
        return response(method, template, status)
                .path("content")
                .path(mediaType)
                .path("schema");
    }

    /** Follows a local "$ref" (#/components/...) if the node is one. */
    JsonNode resolve(JsonNode n) {
        for (int i = 0; i < 10 && n != null && n.has("$ref"); i++)
            n = resolvePointer(n.get("$ref").asText());
        return n;
    }

    JsonNode resolvePointer(String ref) {
        if (!ref.startsWith("#/")) return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        return doc.at(ref.substring(1));
    }

    /**
     * Checks a whole response: the status is documented for the operation, the content type is the documented one,
     * and the body matches the documented schema. Returns the problems (empty when it conforms).
     */
    List<String> checkResponse(String method, String template, int status, String contentType, String body) {
        List<String> out = new ArrayList<>();
        JsonNode op = operation(method, template);
        if (op.isMissingNode()) {
            out.add(method + " " + template + " is not documented");
            return out;
        }
        if (!op.path("responses").has(String.valueOf(status))) {
            out.add(method + " " + template + ": status " + status + " is not documented (documented: "
                    + statuses(method, template) + ")");
            return out;
        }
        JsonNode content = response(method, template, status).path("content");
        if (content.isMissingNode() || content.isEmpty()) return out; // e.g. a redirect: no body documented
        String mediaType =
                contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
        if (!content.has(mediaType)) {
            out.add(method + " " + template + " " + status + ": content type '" + contentType
                    + "' is not documented (documented: " + iterable(content.fieldNames()) + ")");
            return out;
        }
        JsonNode schema = content.get(mediaType).path("schema");
        if (schema.isMissingNode()) return out;
        if (!mediaType.equals("application/json")) {
            if (!"string".equals(schema.path("type").asText()))
                out.add("non-JSON content documented with a non-string schema");
            return out;
        }
        JsonNode instance;
        try {
            instance = JSON.readTree(body);
        } catch (Exception e) {
            out.add(method + " " + template + " " + status + ": body is not JSON: " + clip(body));
            return out;
        }
        for (String problem : validate(schema, instance))
            out.add(method + " " + template + " " + status + ": " + problem);
        return out;
    }

    /** Validates a JSON value against an OpenAPI schema object; returns the problems (empty when valid). */
    List<String> validate(JsonNode openApiSchema, JsonNode instance) {
        JsonSchema schema = compiled.computeIfAbsent(openApiSchema, s -> {
            ObjectNode root = JsonNodeFactory.instance.objectNode();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.set("allOf", JsonNodeFactory.instance.arrayNode().add(translate(s)));
            root.set("$defs", defs);
            return factory.getSchema(
                    root,
                    SchemaValidatorsConfig.builder()
                            .formatAssertionsEnabled(true)
                            .build());
        });
        List<String> out = new ArrayList<>();
        for (ValidationMessage m : schema.validate(instance)) out.add(m.getMessage());
        return out;
    }

    /** Every {@code example} in the document next to the schema it illustrates: [location, schema, example]. */
    List<Object[]> examples() {
        List<Object[]> out = new ArrayList<>();
        collectExamples(doc, "#", out);
        return out;
    }

    private void collectExamples(JsonNode n, String where, List<Object[]> out) {
        if (n.isObject()) {
            if (n.has("example") && n.has("schema"))
                out.add(new Object[] {where, n.get("schema"), n.get("example")}); // media type, parameter
            else if (n.has("example") && (n.has("type") || n.has("$ref")))
                out.add(new Object[] {where, n, n.get("example")}); // schema
            n.properties().forEach(e -> {
                if (!e.getKey().equals("example")) collectExamples(e.getValue(), where + "/" + e.getKey(), out);
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) collectExamples(n.get(i), where + "/" + i, out);
        }
    }

    // ---- OpenAPI 3.0 schema object -> JSON Schema 2020-12 ----

    private JsonNode translate(JsonNode s) {
        if (s.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            s.forEach(x -> a.add(translate(x)));
            return a;
        }
        if (!s.isObject()) return s;
        ObjectNode in = (ObjectNode) s;
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (in.has("$ref")) {
            String ref = in.get("$ref").asText();
            out.put(
                    "$ref",
                    ref.startsWith("#/components/schemas/")
                            ? "#/$defs/" + ref.substring("#/components/schemas/".length())
                            : ref);
            return out;
        }
        boolean nullable = in.path("nullable").asBoolean(false);
        in.properties().forEach(e -> {
            String k = e.getKey();
            JsonNode v = e.getValue();
            if (OPENAPI_ONLY.contains(k)) return;
            if (k.equals("format") && NUMERIC_FORMATS.contains(v.asText())) return;
            switch (k) {
                case "properties" -> {
                    ObjectNode props = JsonNodeFactory.instance.objectNode();
                    v.properties().forEach(p -> props.set(p.getKey(), translate(p.getValue())));
                    out.set(k, props);
                }
                case "items", "additionalProperties", "not" -> out.set(k, v.isObject() ? translate(v) : v);
                case "allOf", "anyOf", "oneOf" -> out.set(k, translate(v));
                default -> out.set(k, v.deepCopy());
            }
        });
        if (nullable) {
            if (out.has("type"))
                out.set(
                        "type",
                        JsonNodeFactory.instance
                                .arrayNode()
                                .add(out.get("type").asText())
                                .add("null"));
            if (out.has("enum")) ((ArrayNode) out.get("enum")).addNull();
        }
        if (in.has("properties") && !in.has("additionalProperties")) out.put("additionalProperties", false);
        return out;
    }

    private static String iterable(Iterator<String> it) {
        List<String> l = new ArrayList<>();
        it.forEachRemaining(l::add);
        return l.toString();
    }

    static String clip(String s) {
        if (s == null) return "null";
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
