package movierec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.unix_millis;

import movierec.common.Events;
import movierec.common.Genres;
import movierec.common.MovieEvent;
import movierec.common.RatingEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The ratings query's parse step: records of the {@code movies} and {@code ratings} topics -> one movie-keyed event
 * each ({@link RatingsByMovie.Event}'s columns), validated with the producers' own rules. A movie event only
 * announces the movie and its genres; the movies query writes the movie itself.
 */
public final class RatingTransforms {
    private RatingTransforms() {}

    /**
     * What parsing one record gives: {@code error} (null when valid) and the event's fields (zero/null when invalid,
     * with {@code movieId} {@link RatingsByMovie#UNPARSEABLE}).
     */
    public static final StructType PARSED = new StructType()
            .add("error", DataTypes.StringType)
            .add("movieId", DataTypes.LongType, false)
            .add("movie", DataTypes.BooleanType, false)
            .add("genres", DataTypes.createArrayType(DataTypes.StringType))
            .add("userId", DataTypes.LongType, false)
            .add("rating", DataTypes.DoubleType)
            .add("timestamp", DataTypes.LongType, false)
            .add("source", DataTypes.StringType)
            .add("dismissed", DataTypes.BooleanType)
            .add("dismissedGenre", DataTypes.StringType)
            .add("erase", DataTypes.BooleanType)
            .add("erasureOffset", DataTypes.LongType);

    /**
     * One record -> a {@link #PARSED} row; {@code moviesTopic} tells movies from rating events, {@code erasuresTopic}
     * the stream job's own erasure retractions from everyone else's events.
     */
    static Row parseRecord(String topic, byte[] value, String moviesTopic, String erasuresTopic) {
        if (topic.equals(moviesTopic)) {
            Events.Parsed<MovieEvent> p = Events.parseMovie(value);
            if (!p.ok()) return invalid(p.error(), true);
            MovieEvent m = p.value();
            return RowFactory.create(
                    null, m.id(), true, Genres.names(m.genreIds()), 0L, null, 0L, m.source(), null, null, null, null);
        }
        Events.Parsed<RatingEvent> p = Events.parseRating(value);
        if (!p.ok()) return invalid(p.error(), false);
        RatingEvent r = p.value();
        // only the stream job may retract on an erasure's behalf, and only through its internal topic
        if ((r.erasureOffset() != null) != topic.equals(erasuresTopic))
            return invalid("erasureOffset is only for the stream job's " + erasuresTopic + " topic", false);
        return RowFactory.create(
                null,
                // a genre's dismissals and an erasure have no movie: they pass the movie-keyed stage under keys of
                // their own
                r.isErasure()
                        ? RatingsByMovie.ERASURES
                        : r.genre() != null ? RatingsByMovie.GENRE_DISMISSALS : r.movieId(),
                false,
                null,
                r.userId(),
                r.isRetraction() || r.isDismissal() ? null : r.rating(),
                r.timestamp(),
                r.source(),
                r.dismissed(),
                r.genre(),
                r.erase(),
                r.erasureOffset());
    }

    private static Row invalid(String error, boolean movie) {
        return RowFactory.create(
                error, RatingsByMovie.UNPARSEABLE, movie, null, 0L, null, 0L, null, null, null, null, null);
    }

    /**
     * Kafka rows ({@code key, value, topic, partition, offset, timestamp}) of the topics -> the same columns (the
     * record's timestamp as {@code producedAt}, epoch ms) plus the {@link #PARSED} columns and {@code heldSince}: exactly the fields of {@link RatingsByMovie.Event}. Invalid movie
     * records are dropped here (the movies query dead-letters them); invalid ratings stay, keyed
     * {@link RatingsByMovie#UNPARSEABLE}. One Jackson parse per record; nondeterministic so Spark evaluates it once.
     */
    public static Dataset<Row> parse(Dataset<Row> kafka, String moviesTopic, String erasuresTopic) {
        var parse = udf(
                        (UDF2<String, byte[], Row>)
                                (topic, value) -> parseRecord(topic, value, moviesTopic, erasuresTopic),
                        PARSED)
                .asNondeterministic();
        return kafka.withColumn("parsed", parse.apply(col("topic"), col("value")))
                .select(
                        col("key"),
                        col("value"),
                        col("topic"),
                        col("partition"),
                        col("offset"),
                        unix_millis(col("timestamp")).as("producedAt"),
                        col("parsed.*"))
                .filter(col("error").isNull().or(col("topic").notEqual(moviesTopic)))
                .withColumn("heldSince", lit(0L));
    }

    /**
     * The {@link Heartbeat}'s {@link RatingsByMovie#HEARTBEAT} rows, in {@link #parse}'s columns: one a second while a
     * timer of the query {@code key} may be due, and through the first {@code afterStartMs} after it starts. Spark runs
     * a batch of a processing-time stateful query at every trigger, data or not; with no-data batches switched off, this
     * heartbeat bounds how late an expired timer fires to about a second, and an idle job with no timers due runs no
     * batch at all.
     */
    public static Dataset<Row> heartbeat(SparkSession spark, String key, long afterStartMs) {
        return spark.readStream()
                .format(Heartbeat.class.getName())
                .option("key", key)
                .option("afterStartMs", afterStartMs)
                .load()
                .select(
                        lit(null).cast("binary").as("key"),
                        lit(null).cast("binary").as("value"),
                        lit("heartbeat").as("topic"),
                        lit(0).as("partition"),
                        col("value").as("offset"),
                        lit(0L).as("producedAt"),
                        lit(null).cast("string").as("error"),
                        lit(RatingsByMovie.HEARTBEAT).as("movieId"),
                        lit(false).as("movie"),
                        lit(null).cast("array<string>").as("genres"),
                        lit(0L).as("userId"),
                        lit(null).cast("double").as("rating"),
                        lit(0L).as("timestamp"),
                        lit(null).cast("string").as("source"),
                        lit(null).cast("boolean").as("dismissed"),
                        lit(null).cast("string").as("dismissedGenre"),
                        lit(null).cast("boolean").as("erase"),
                        lit(null).cast("long").as("erasureOffset"),
                        lit(0L).as("heldSince"));
    }
}
