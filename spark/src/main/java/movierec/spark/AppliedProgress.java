package movierec.spark;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import movierec.common.KafkaClientSecurity;
import movierec.common.LatencyHistogram;
import movierec.common.MovierecConfig;
import movierec.es.StreamProgressDoc;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes what the users' documents reflect ({@link AppliedOffsets}), how far the impressions query has read, and the
 * event -> applied latencies as the {@link StreamProgressDoc} in Elasticsearch, from the driver, each time a ratings,
 * users or impressions batch commits: the API's {@code after=} waits on it, and an erasure's status on the impressions'
 * part. Only offsets and counts pass through here.
 */
final class AppliedProgress extends StreamingQueryListener {
    private static final Logger LOG = LoggerFactory.getLogger(AppliedProgress.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ElasticsearchClient es;
    private final String index;
    private final String ratingsTopic;
    private final String pairsTopic;
    private final String impressionsTopic;
    private final BatchMetrics.Latencies latencies;
    private final AppliedOffsets offsets = new AppliedOffsets();
    /** Per ratings batch (until its progress arrives): the pair offsets written up to its end. */
    private final Map<Long, Map<Integer, Long>> pairsWritten = new ConcurrentHashMap<>();

    private volatile Map<Integer, Long> latestPairs = Map.of();
    /** Per {@code impressions} partition, the next offset the impressions query reads (all before it committed). */
    private final Map<Integer, Long> impressionsRead = new ConcurrentHashMap<>();

    private StreamProgressDoc published;
    private boolean failing;

    AppliedProgress(ElasticsearchClient es, MovierecConfig config, BatchMetrics.Latencies latencies) {
        this.es = es;
        this.index = config.index("stream_progress");
        this.ratingsTopic = config.topic("ratings");
        this.pairsTopic = config.topic("ratings.pairs");
        this.impressionsTopic = config.topic("impressions");
        this.latencies = latencies;
    }

    /**
     * Where a (re)started job stands: the ratings query's committed offsets count once the users query has read every
     * pair already in the topic, since the batch that wrote them may have been the last before the stop.
     */
    void seed(MovierecConfig config, Path ratingsCheckpoint, Path usersCheckpoint, Path impressionsCheckpoint)
            throws Exception {
        offsets.ratingsDone(committed(ratingsCheckpoint, ratingsTopic), lastOffsets(config, pairsTopic));
        offsets.usersDone(committed(usersCheckpoint, pairsTopic));
        impressionsRead.putAll(committed(impressionsCheckpoint, impressionsTopic));
        publish();
    }

    /** Called by the ratings sink once a batch's pairs are all acknowledged: the highest pair offsets so far. */
    void ratingsBatchWritten(long batchId, Map<Integer, Long> pairs) {
        pairsWritten.put(batchId, pairs);
        latestPairs = pairs;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        var p = event.progress();
        try {
            if ("ratings".equals(p.name())) {
                Map<Integer, Long> pairs = pairsWritten.remove(p.batchId());
                // the figures are cumulative: without this batch's, the latest ones are a safe (later) bound
                offsets.ratingsDone(endOffsets(p.sources(), ratingsTopic), pairs != null ? pairs : latestPairs);
                pairsWritten.keySet().removeIf(id -> id < p.batchId());
            } else if ("users".equals(p.name())) {
                offsets.usersDone(endOffsets(p.sources(), pairsTopic));
            } else if ("impressions".equals(p.name())) {
                endOffsets(p.sources(), impressionsTopic)
                        .forEach((partition, o) -> impressionsRead.merge(partition, o, Math::max));
            } else {
                return;
            }
            publish();
        } catch (Exception e) {
            if (!failing) LOG.warn("cannot publish the stream's applied offsets to {}: {}", index, e.toString());
            failing = true;
        }
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}

    private synchronized void publish() throws IOException {
        Map<String, Long> applied = new HashMap<>();
        offsets.applied().forEach((partition, offset) -> applied.put(String.valueOf(partition), offset));
        LatencyHistogram h = latencies.value();
        List<Long> counts = Arrays.stream(h.counts()).boxed().toList();
        Map<String, Long> impressions = new HashMap<>();
        impressionsRead.forEach((partition, offset) -> impressions.put(String.valueOf(partition), offset));
        if (published != null
                && published.applied().equals(applied)
                && published.impressionsRead().equals(impressions)
                && published.eventToAppliedCounts().equals(counts)) return;
        StreamProgressDoc doc = new StreamProgressDoc(applied, impressions, counts, System.currentTimeMillis());
        es.index(i -> i.index(index).id(StreamProgressDoc.ID).document(doc));
        published = doc;
        failing = false;
    }

    /** A progress's next offsets (exclusive) per partition of {@code topic}, from its sources' end offsets. */
    static Map<Integer, Long> endOffsets(org.apache.spark.sql.streaming.SourceProgress[] sources, String topic)
            throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        for (var s : sources) {
            if (s.endOffset() != null)
                partitionOffsets(JSON.readTree(s.endOffset()).path(topic), out);
        }
        return out;
    }

    private static Map<Integer, Long> committed(Path checkpoint, String topic) throws IOException {
        Map<Integer, Long> out = new HashMap<>();
        JsonNode all = StreamStatus.committedOffsets(checkpoint);
        if (all != null) partitionOffsets(all.path(topic), out);
        return out;
    }

    private static void partitionOffsets(JsonNode topic, Map<Integer, Long> into) {
        topic.fields()
                .forEachRemaining(
                        e -> into.put(Integer.parseInt(e.getKey()), e.getValue().asLong()));
    }

    /** The last offset (inclusive) of each non-empty partition of {@code topic}. */
    static Map<Integer, Long> lastOffsets(MovierecConfig config, String topic) throws Exception {
        Properties p = new Properties();
        p.putAll(KafkaClientSecurity.properties(config));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        try (Admin admin = Admin.create(p)) {
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(new TopicPartition(topic, tp.partition()), OffsetSpec.latest()));
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> {
                if (info.offset() > 0) out.put(tp.partition(), info.offset() - 1);
            });
            return out;
        }
    }
}
