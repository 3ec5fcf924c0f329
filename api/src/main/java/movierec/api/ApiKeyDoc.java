package movierec.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An {@code api_keys} document (its id is the key's id). The last use and the revocation are null until they happen
 * and are then set by partial updates, so null is left out of the JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ApiKeyDoc(
        String name,
        String scope,
        String salt,
        String hash,
        @JsonProperty("created_at") long createdAt,
        @JsonProperty("last_used_at") Long lastUsedAt,
        @JsonProperty("revoked_at") Long revokedAt) {

    static ApiKeyDoc of(ApiKey k) {
        return new ApiKeyDoc(
                k.name(), k.scope().label(), k.salt(), k.hash(), k.createdAt(), k.lastUsedAt(), k.revokedAt());
    }

    ApiKey key(String id) {
        return new ApiKey(id, name, Scope.parse(scope), salt, hash, createdAt, lastUsedAt, revokedAt);
    }
}
