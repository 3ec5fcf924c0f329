package movierec.spark;

import org.apache.spark.sql.SparkSession;

/** The SparkSession of a test: one local core, no UI, one shuffle partition. */
final class LocalSpark {
    private LocalSpark() {}

    static SparkSession start() {
        return SparkSession.builder()
                .master("local[1]")
                .appName("test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "1")
                .getOrCreate();
    }
}
