package io.batchwise.learner.stream;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Utils;

/**
 * Where the learners of a model are: one per partition of the events topic that has its events, of which the one on
 * the model's home partition merges the others, its replicas. The home is the partition a producer's default
 * partitioner gives a record keyed by the model id (murmur2 of its UTF-8 bytes), so a model whose events are keyed by
 * its id has its one learner there and no replicas. Replicas send their deltas on {@code deltasTopic}, keyed by model
 * id and so to the home's partition; the home sends merged versions on {@code mergedTopic} to each replica's
 * partition. Both have as many partitions as the events topic, so that each task reads the three same-numbered ones.
 *
 * @param partitions  the events topic's partition count
 * @param deltasTopic the internal topic of {@code ModelDelta} records
 * @param mergedTopic the internal topic of {@code MergedModel} records
 */
public record ModelPartitioning(int partitions, String deltasTopic, String mergedTopic) {
  /** The suffix of the deltas topic's name after the application id. */
  public static final String DELTAS_SUFFIX = "-model-deltas";
  /** The suffix of the merged-models topic's name after the application id. */
  public static final String MERGED_SUFFIX = "-merged-models";

  public ModelPartitioning {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
  }

  /** The internal topics of an application, named after its id (as Kafka Streams names its own). */
  public static ModelPartitioning of(String applicationId, int partitions) {
    return new ModelPartitioning(partitions, applicationId + DELTAS_SUFFIX, applicationId + MERGED_SUFFIX);
  }

  /** The home partition of a model: where its deltas are merged and its snapshots published from. */
  public int home(String modelId) {
    return home(modelId, partitions);
  }

  static int home(String modelId, int partitions) {
    return Utils.toPositive(Utils.murmur2(modelId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
