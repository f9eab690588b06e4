package io.batchwise.schemas;

/** One Serde per record type batchwise writes. */
public final class Serdes {
  private Serdes() {
  }

  public static AvroSerde<LabelledEvent> labelledEvent() {
    return new AvroSerde<>(LabelledEvent.class);
  }

  public static AvroSerde<ModelSnapshot> modelSnapshot() {
    return new AvroSerde<>(ModelSnapshot.class);
  }

  public static AvroSerde<TrainingMetrics> trainingMetrics() {
    return new AvroSerde<>(TrainingMetrics.class);
  }

  public static AvroSerde<LearnerCheckpoint> learnerCheckpoint() {
    return new AvroSerde<>(LearnerCheckpoint.class);
  }

  public static AvroSerde<DeadLetter> deadLetter() {
    return new AvroSerde<>(DeadLetter.class);
  }

  public static AvroSerde<ModelDelta> modelDelta() {
    return new AvroSerde<>(ModelDelta.class);
  }

  public static AvroSerde<MergedModel> mergedModel() {
    return new AvroSerde<>(MergedModel.class);
  }

  public static AvroSerde<MergeState> mergeState() {
    return new AvroSerde<>(MergeState.class);
  }
}
