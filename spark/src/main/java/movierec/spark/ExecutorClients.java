package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import movierec.common.MovierecConfig;
import movierec.es.EsClients;
import movierec.es.ModelCache;

/**
 * What the writers need on an executor, created once per executor JVM and shared by its tasks: the Elasticsearch
 * client and its bulk writer, the Kafka producer, and the model's item vectors (reloaded in the background when
 * {@code movierec train} publishes a new version). Keyed by the job's settings, which travel with the tasks as the
 * {@code MOVIEREC_*} variables the driver was started with.
 */
final class ExecutorClients {
    private static final Map<Map<String, String>, ExecutorClients> BY_SETTINGS = new ConcurrentHashMap<>();

    final MovierecConfig config;
    final ElasticsearchClient es;
    final EsBulk bulk;
    final KafkaWrites kafka;
    final ModelCache models;

    private ExecutorClients(Map<String, String> settings) {
        config = MovierecConfig.load(Path.of(settings.getOrDefault("MOVIEREC_HOME", ".")), settings, new Properties());
        es = EsClients.create(config);
        bulk = new EsBulk(es, config.getInt("es.bulk.concurrency"));
        kafka = new KafkaWrites(config);
        models = new ModelCache(es, config);
    }

    static ExecutorClients of(Map<String, String> settings) {
        return BY_SETTINGS.computeIfAbsent(settings, ExecutorClients::new);
    }
}
