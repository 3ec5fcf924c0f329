package movierec.common;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each part of the model lives in a vector, in one place: training assembles vectors with it, the model cache
 * slices them, the API and the stream job build query vectors with it. A movie's vector is
 * {@code [V / alsScale ; seqWeight · b / seqScale ; genre one-hot]}, a user's {@code [U ; Σ_k w_k·a_k ; genre taste]}
 * (ALS factors, the {@link Sequence} part, the {@link GenreTaste} part), and the model's score is their dot product;
 * the two scales put the ALS and sequential scores on one footing. An ALS-only model has only the first part, unscaled.
 * Elasticsearch stores both with one more coordinate, so that its cosine kNN ranks by that dot product
 * ({@link #itemForCosine}).
 */
public record VectorLayout(int rank, int seqRank, int genreDims, double alsScale, double seqScale, double seqWeight) {
    /** No model. */
    public static final VectorLayout NONE = alsOnly(0);

    public static VectorLayout alsOnly(int rank) {
        return new VectorLayout(rank, 0, 0, 1, 1, 0);
    }

    /** Dimensions of a model vector (without the cosine coordinate). */
    public int dims() {
        return rank + seqRank + genreDims;
    }

    /** A movie's vector from its ALS factors, its sequential item vector and its genre one-hot (both null for ALS only). */
    public float[] item(float[] alsFactors, float[] sequential, float[] genres) {
        float[] out = new float[alsFactors.length + (sequential == null ? 0 : sequential.length)];
        for (int d = 0; d < alsFactors.length; d++) out[d] = (float) (alsFactors[d] / alsScale);
        if (sequential == null) return out;
        for (int d = 0; d < sequential.length; d++)
            out[alsFactors.length + d] = (float) (seqWeight * sequential[d] / seqScale);
        return genres == null ? out : Vectors.concat(out, genres);
    }

    /** A user's vector from their ALS factors, sequential vector and genre taste (null parts are left out). */
    public float[] user(float[] alsFactors, float[] sequential, float[] genres) {
        if (sequential == null) return alsFactors;
        return genres == null ? Vectors.concat(alsFactors, sequential) : Vectors.concat(alsFactors, sequential, genres);
    }

    /** The raw ALS factors of a stored movie vector. */
    public float[] alsFactors(float[] stored) {
        float[] factors = Arrays.copyOf(stored, rank);
        for (int i = 0; i < rank; i++) factors[i] *= alsScale; // stored as V / alsScale
        return factors;
    }

    /** The sequential part of a stored movie vector, as stored (scaled). */
    public float[] sequential(float[] stored) {
        return Arrays.copyOfRange(stored, rank, rank + seqRank);
    }

    /**
     * A stored movie vector with everything but its ALS part set to 0: the query for "liked by the same people", not
     * "rated in the same session". Unchanged without a model (rank 0).
     */
    public float[] alsQuery(float[] stored) {
        float[] out = stored.clone();
        if (rank > 0) Arrays.fill(out, Math.min(rank, out.length), out.length, 0f);
        return out;
    }

    /**
     * Movie vector for Elasticsearch's cosine kNN that ranks exactly by dot product (maximum inner product search):
     * append sqrt(M² − |y|²) with M the largest movie norm, so every stored vector has norm M; the user's query vector
     * gets a 0 appended. Then cos(x', y') = x·y / (|x|·M), a monotone function of x·y for each user.
     */
    public static float[] itemForCosine(float[] y, double maxNorm) {
        double n2 = 0;
        for (float v : y) n2 += v * v;
        float[] out = Arrays.copyOf(y, y.length + 1);
        out[y.length] = (float) Math.sqrt(Math.max(0, maxNorm * maxNorm - n2));
        return out;
    }

    public static float[] userForCosine(float[] x) {
        return Arrays.copyOf(x, x.length + 1);
    }

    /** The layout's entries of the model document's {@code params}. */
    public Map<String, Object> params() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rank", rank);
        out.put("seqRank", seqRank);
        out.put("alsScale", alsScale);
        out.put("seqScale", seqScale);
        out.put("seqWeight", seqWeight);
        out.put("genreDims", genreDims);
        return out;
    }

    /** The layout a model document's {@code params} describe (a model from before the sequential part: ALS only). */
    public static VectorLayout of(Map<String, Object> params) {
        return new VectorLayout(
                number(params, "rank", 0).intValue(),
                number(params, "seqRank", 0).intValue(),
                number(params, "genreDims", 0).intValue(),
                number(params, "alsScale", 1).doubleValue(),
                number(params, "seqScale", 1).doubleValue(),
                number(params, "seqWeight", 0).doubleValue());
    }

    private static Number number(Map<String, Object> params, String name, Number fallback) {
        return params.get(name) instanceof Number n ? n : fallback;
    }
}
