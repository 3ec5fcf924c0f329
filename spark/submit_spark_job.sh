#!/usr/bin/env bash
# Runs a movierec Spark job: `stream` (the Structured Streaming job) or `train` (ALS training).
#   Default: the driver is a JVM with the spark module's Maven-built classpath, master from MOVIEREC_SPARK_MASTER
#   (default local[4]; or a spark:// master in client mode whose executors already have our classes, as the local
#   cluster of `movierec up --cluster` does in its Spark home).
#   Cluster mode: with SPARK_HOME and MOVIEREC_SPARK_MASTER set (e.g. spark://host:7077 or yarn), builds the shaded jar
#   and submits it with $SPARK_HOME/bin/spark-submit --master "$MOVIEREC_SPARK_MASTER".
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
export MOVIEREC_HOME="${MOVIEREC_HOME:-$ROOT}"
job="${1:-stream}"; shift || true
case "$job" in
  stream) main=movierec.spark.StreamJob ;;
  train) main=movierec.spark.TrainJob ;;
  *) echo "usage: submit_spark_job.sh stream|train [args]" >&2; exit 2 ;;
esac

if [ -n "${SPARK_HOME:-}" ] && [ -n "${MOVIEREC_SPARK_MASTER:-}" ]; then
  jar="$HERE/target/movierec-spark-shaded.jar"
  if [ ! -f "$jar" ]; then
    (cd "$ROOT" && mvn -B -q -DskipTests -Pshaded package -pl spark -am) || { echo "building the shaded jar failed: run 'mvn -Pshaded -pl spark -am package'" >&2; exit 1; }
  fi
  exec "$SPARK_HOME/bin/spark-submit" --master "$MOVIEREC_SPARK_MASTER" --class "$main" \
    --driver-memory "${MOVIEREC_SPARK_DRIVER_MEMORY:-1536m}" --driver-java-options "${MOVIEREC_SPARK_DRIVER_JAVA_OPTIONS:-}" "$jar" "$@"
fi

cp_file="$HERE/target/classpath.txt"
if [ ! -f "$cp_file" ] || [ ! -d "$HERE/target/classes" ]; then
  echo "the spark module is not built: run 'mvn -DskipTests install' (./movierec does this for you)" >&2
  exit 1
fi
java_bin="java"
[ -n "${JAVA_HOME:-}" ] && java_bin="$JAVA_HOME/bin/java"
# Spark on Java 17+ needs these opens (from org.apache.spark.launcher.JavaModuleOptions).
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
 --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
 --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
 --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true"
# shellcheck disable=SC2086
exec "$java_bin" -Xmx"${MOVIEREC_SPARK_DRIVER_MEMORY:-1536m}" ${MOVIEREC_SPARK_DRIVER_JAVA_OPTIONS:-} $opens -Dmovierec.component="spark-$job" \
  -Dlog4j2.configurationFile="$HERE/log4j2.properties" \
  -cp "$HERE/target/classes:$(cat "$cp_file")" "$main" "$@"
