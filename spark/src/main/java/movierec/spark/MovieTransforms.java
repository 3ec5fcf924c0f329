package movierec.spark;

import static org.apache.spark.sql.functions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import movierec.common.Events;
import movierec.common.Genres;
import movierec.common.Languages;
import movierec.common.MovieEvent;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The movies pipeline as small pure functions {@code Dataset<Row> -> Dataset<Row>}, chained in {@link #enrich}.
 * Each is unit-tested on a local session with exact values.
 */
public final class MovieTransforms {
    private MovieTransforms() {}

    /** The event schema, explicit: TMDB-shaped movie JSON (see DESIGN "Events"). */
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType)
            .add("title", DataTypes.StringType)
            .add("overview", DataTypes.StringType)
            .add("genre_ids", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("original_language", DataTypes.StringType)
            .add("release_date", DataTypes.StringType)
            .add("vote_average", DataTypes.DoubleType)
            .add("vote_count", DataTypes.LongType)
            .add("popularity", DataTypes.DoubleType)
            .add("poster_path", DataTypes.StringType)
            .add("runtime", DataTypes.IntegerType)
            .add("director", DataTypes.StringType)
            .add("tmdb_id", DataTypes.LongType)
            .add("source", DataTypes.StringType);

    /**
     * TMDB popularity is unbounded and heavy-tailed; a log scale with a fixed cap keeps the normalised value stable as
     * data streams in (no per-batch min/max): popularity_norm = min(1, log1p(p) / log1p(1000)).
     */
    public static final double POPULARITY_CAP = 1000.0;

    /** What parsing one record gives: {@code error} (null when valid), then the event's fields (null when invalid). */
    public static final StructType PARSED = new StructType(java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(DataTypes.createStructField("error", DataTypes.StringType, true)),
                    java.util.Arrays.stream(SCHEMA.fields()))
            .toArray(org.apache.spark.sql.types.StructField[]::new));

    // One Jackson parse per record, with the producers' own rules (Events.parseMovie), straight into columns.
    // Nondeterministic so that Spark evaluates it once per row rather than once per selected field.
    private static final UserDefinedFunction PARSE = udf(
                    (byte[] value) -> {
                        Events.Parsed<MovieEvent> p = Events.parseMovie(value);
                        if (!p.ok())
                            return RowFactory.create(
                                    p.error(), null, null, null, null, null, null, null, null, null, null, null, null,
                                    null, null);
                        MovieEvent m = p.value();
                        return RowFactory.create(
                                null,
                                m.id(),
                                m.title(),
                                m.overview(),
                                m.genreIds(),
                                m.originalLanguage(),
                                m.releaseDate(),
                                m.voteAverage(),
                                m.voteCount(),
                                m.popularity(),
                                m.posterPath(),
                                m.runtime(),
                                m.director(),
                                m.tmdbId(),
                                m.source());
                    },
                    PARSED)
            .asNondeterministic();

    private static final UserDefinedFunction LANGUAGE_NAME =
            udf((String code) -> Languages.name(code), DataTypes.StringType);

    /**
     * Kafka rows ({@code key, value, topic, partition, offset}) -> the same columns plus {@code error} (null when
     * valid) and the event's columns. Validation is {@link Events#parseMovie}, the producers' own rules.
     */
    public static Dataset<Row> parse(Dataset<Row> kafka) {
        return kafka.withColumn("parsed", PARSE.apply(col("value")))
                .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("parsed.*"));
    }

    /**
     * The whole enrichment chain, in order. Row by row, no shuffle: invalid rows pass through with null results and
     * the sink dead-letters them, so one pass over the batch does everything.
     */
    public static Dataset<Row> enrich(Dataset<Row> movies) {
        return movies.transform(MovieTransforms::withDescription)
                .transform(MovieTransforms::withVoteAverageNorm)
                .transform(MovieTransforms::withPopularityNorm)
                .transform(MovieTransforms::withReleaseDate)
                .transform(MovieTransforms::withGenreNames)
                .transform(MovieTransforms::withLanguageName);
    }

    /** description = title + ". " + overview; the title alone without an overview; never empty. */
    public static Dataset<Row> withDescription(Dataset<Row> movies) {
        Column title = trim(col("title"));
        Column overview = trim(col("overview"));
        Column hasTitle = title.isNotNull().and(title.notEqual(""));
        Column hasOverview = overview.isNotNull().and(overview.notEqual(""));
        return movies.withColumn(
                "description",
                when(hasTitle.and(hasOverview), concat(title, lit(". "), overview))
                        .when(hasTitle, title)
                        .when(hasOverview, overview)
                        .otherwise(concat(lit("Untitled movie "), col("id").cast("string"))));
    }

    /** vote_average (0-10) -> 0-1. */
    public static Dataset<Row> withVoteAverageNorm(Dataset<Row> movies) {
        return movies.withColumn("vote_average_norm", col("vote_average").divide(10.0));
    }

    /** See {@link #POPULARITY_CAP}. */
    public static Dataset<Row> withPopularityNorm(Dataset<Row> movies) {
        // least() skips nulls, so guard explicitly: no popularity stays null rather than becoming 1.0.
        return movies.withColumn(
                "popularity_norm",
                when(
                        col("popularity").isNotNull(),
                        least(lit(1.0), log1p(col("popularity")).divide(Math.log1p(POPULARITY_CAP)))));
    }

    /** "1995-10-30" -> a date, plus release_year. Strings were validated on parse; blanks become null. */
    public static Dataset<Row> withReleaseDate(Dataset<Row> movies) {
        Column d = when(trim(col("release_date")).notEqual(""), to_date(col("release_date"), "yyyy-MM-dd"));
        return movies.withColumn("release_date", d).withColumn("release_year", year(col("release_date")));
    }

    /** genre_ids -> genres: TMDB's names, ids it does not define dropped. */
    public static Dataset<Row> withGenreNames(Dataset<Row> movies) {
        List<Column> kv = new ArrayList<>();
        for (Map.Entry<Integer, String> e : Genres.TMDB.entrySet()) {
            kv.add(lit(e.getKey()));
            kv.add(lit(e.getValue()));
        }
        Column names = map(kv.toArray(Column[]::new));
        return movies.withColumn(
                "genres",
                array_distinct(filter(
                        transform(
                                coalesce(col("genre_ids"), array().cast("array<int>")),
                                id -> try_element_at(names, id)),
                        Column::isNotNull)));
    }

    /** original_language "en" -> language "English" (JDK locale names). */
    public static Dataset<Row> withLanguageName(Dataset<Row> movies) {
        return movies.withColumn("language", LANGUAGE_NAME.apply(col("original_language")));
    }
}
