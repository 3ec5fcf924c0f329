package movierec.spark;

import static org.apache.spark.sql.functions.*;

import movierec.common.Events;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The ratings pipeline's pure steps: parse/validate, then keep the latest event per (user, movie). */
public final class RatingTransforms {
  private RatingTransforms() {}

  public static final StructType SCHEMA = new StructType()
      .add("userId", DataTypes.LongType)
      .add("movieId", DataTypes.LongType)
      .add("rating", DataTypes.DoubleType)
      .add("timestamp", DataTypes.LongType)
      .add("source", DataTypes.StringType)
      .add("deleted", DataTypes.BooleanType);

  private static final UserDefinedFunction PARSE_ERROR = udf(
      (byte[] value) -> Events.parseRating(value).error(), DataTypes.StringType).asNondeterministic();

  /** Kafka rows -> rows with {@code error} (null when valid) and the event columns. Same rules as the producers. */
  public static Dataset<Row> parse(Dataset<Row> kafka) {
    return kafka
        .withColumn("error", PARSE_ERROR.apply(col("value")))
        .withColumn("event", when(col("error").isNull(), from_json(col("value").cast("string"), SCHEMA)))
        .select(col("key"), col("value"), col("topic"), col("partition"), col("offset"), col("error"), col("event.*"))
        .withColumn("deleted", coalesce(col("deleted"), lit(false)));
  }

  /**
   * The latest event of each (user, movie) pair in the batch wins: highest timestamp, then highest offset (a user's
   * events share a partition, so offset order is production order).
   */
  public static Dataset<Row> latestPerPair(Dataset<Row> ratings) {
    return ratings
        .withColumn("_rank", row_number().over(Window.partitionBy("userId", "movieId")
            .orderBy(col("timestamp").desc(), col("offset").desc())))
        .filter(col("_rank").equalTo(1))
        .drop("_rank");
  }
}
