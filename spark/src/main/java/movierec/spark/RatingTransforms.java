package movierec.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import movierec.common.Events;
import movierec.common.RatingEvent;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The ratings pipeline's pure steps: parse/validate, then keep the latest event per (user, movie). */
public final class RatingTransforms {
  private RatingTransforms() {}

  /** What parsing one record gives: {@code error} (null when valid) and the event's fields (null when invalid). */
  public static final StructType PARSED = new StructType()
      .add("error", DataTypes.StringType)
      .add("userId", DataTypes.LongType)
      .add("movieId", DataTypes.LongType)
      .add("rating", DataTypes.DoubleType)
      .add("timestamp", DataTypes.LongType)
      .add("source", DataTypes.StringType)
      .add("deleted", DataTypes.BooleanType);

  // One Jackson parse per record, with the producers' own rules, straight into columns. Nondeterministic so that
  // Spark evaluates it once per row rather than once per selected field.
  private static final UserDefinedFunction PARSE = udf((byte[] value) -> {
    Events.Parsed<RatingEvent> p = Events.parseRating(value);
    if (!p.ok()) return RowFactory.create(p.error(), null, null, null, null, null, false);
    RatingEvent r = p.value();
    return RowFactory.create(null, r.userId(), r.movieId(), r.rating(), r.timestamp(), r.source(), r.isRetraction());
  }, PARSED).asNondeterministic();

  /** Kafka rows -> {@code key, value, topic, partition, offset} plus the {@link #PARSED} columns. */
  public static Dataset<Row> parse(Dataset<Row> kafka) {
    return kafka
        .withColumn("parsed", PARSE.apply(col("value")))
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("parsed.*"));
  }

  /**
   * Valid parsed rows -> the latest event of each (user, movie) pair, oldest first: highest timestamp wins, then
   * highest offset (a user's events share a partition, so offset order is production order). Runs in the driver on
   * the collected batch, which the rating state needs there anyway; a shuffle would cost more than it saves.
   */
  public static List<Row> latestPerPair(List<Row> valid) {
    List<Row> ordered = new ArrayList<>(valid);
    ordered.sort(Comparator.comparingLong((Row r) -> r.<Long>getAs("timestamp")).thenComparingLong(r -> r.<Long>getAs("offset")));
    Map<String, Row> latest = new LinkedHashMap<>();
    for (Row r : ordered) {
      String pair = r.getAs("userId") + ":" + r.getAs("movieId");
      latest.remove(pair); // re-insert so iteration order stays the order of each pair's winning event
      latest.put(pair, r);
    }
    return new ArrayList<>(latest.values());
  }
}
