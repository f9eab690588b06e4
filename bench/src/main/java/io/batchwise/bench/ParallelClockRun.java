package io.batchwise.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.learner.model.StepResult;
import io.batchwise.learner.stream.LearnerConfig;
import io.batchwise.learner.stream.LearningLoop;
import io.batchwise.learner.stream.ModelMerge;
import io.batchwise.learner.stream.ModelReplica;
import io.batchwise.policy.BatchingPolicies;
import io.batchwise.policy.SyncPeriod;
import io.batchwise.schemas.AvroSerde;
import io.batchwise.schemas.LearnerCheckpoint;
import io.batchwise.schemas.MergedModel;
import io.batchwise.schemas.ModelDelta;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.ReplicaProgress;
import io.batchwise.schemas.Serdes;
import io.batchwise.schemas.TrainingMetrics;

/**
 * K learners of one model on a virtual clock, each on its own core: the deployed {@link LearningLoop},
 * {@link ModelReplica} and {@link ModelMerge}, driven as the Kafka Streams processor drives them, with the stream's
 * costs charged and the time between them simulated. The stream is a backlog (every event there at time 0), spread
 * over K partitions in turn as {@code ingest --spread} writes it; learner 0 is the model's home, the others its
 * replicas. Each takes its events in order, paying the stream's cost per event; steps, punctuations, deltas, merges
 * and publications run the real code, and the clock advances by their measured time (records serialized with the real
 * Avro Serdes, so the CPU and the bytes of a merge are measured too). A delta or merged version becomes visible once
 * the commit its learner asks for right after sending it ends, then crosses the network: the home's link carries every
 * delta in and every merged copy out, one after another, at the given bandwidth. The learner with the earliest clock
 * always acts next, so a record reaches a learner busy past its arrival when it is done.
 */
public final class ParallelClockRun {
  /** {@code snapshot.max.time.share} at its default. */
  private static final double MAX_PUBLISH_SHARE = (Double) LearnerConfig.DEFINITION.defaultValues()
      .get(LearnerConfig.SNAPSHOT_MAX_TIME_SHARE);
  /** {@code batch.max.latency.ms} at its default. */
  private static final long MAX_WAIT_MILLIS = (Long) LearnerConfig.DEFINITION.defaultValues()
      .get(LearnerConfig.BATCH_MAX_LATENCY_MS);
  /** Give up on a run whose virtual time exceeds this. */
  private static final double TIME_LIMIT_SECONDS = 3600;

  /**
   * What syncing costs beyond the CPU the run measures.
   *
   * @param commitSeconds         a commit the learner asks for after sending a delta or a merged version: until it
   *                              ends (the transaction's markers written) readers do not see the record
   * @param networkBytesPerSecond the home's link, each way
   * @param brokerSeconds         a record's way through the broker once committed (fetch, replication)
   * @param mergeIntervalMillis   {@code merge.interval.ms}
   */
  public record SyncCosts(double commitSeconds, double networkBytesPerSecond, double brokerSeconds,
      long mergeIntervalMillis) {
  }

  /**
   * One run.
   *
   * @param learners          K
   * @param period            the sync period's spec
   * @param secondsToTarget   virtual time until the loss EMA over every learner's examples reached the target
   * @param examplesToTarget  examples learned by all learners together by then; -1 if never
   * @param secondsToAll      virtual time until a published version of the merged model included every event
   * @param eventsPerSecond   events over that time
   * @param finalLoss         mean prequential log loss of the last 10% of the examples learned
   * @param merges            replicas' deltas merged
   * @param meanSyncUpdates   H: a replica's updates per delta
   * @param meanSyncMillis    ms between a replica's deltas
   * @param meanCombinedBatch K H B per merged delta
   * @param meanNoiseScale    B_noise the deltas carried
   * @param meanMergeScale    the share of a delta a merge applied
   * @param bytesPerMerge     a delta's bytes plus a merged copy's
   * @param mergeSeconds      CPU time of taking, sending and merging deltas and of rebasing, over all learners
   * @param computeSeconds    CPU time of the learning steps, over all learners
   */
  public record Result(String scenario, int learners, String period, double targetLoss, double secondsToTarget,
      long examplesToTarget, double secondsToAll, double eventsPerSecond, double finalLoss, long merges,
      double meanSyncUpdates, double meanSyncMillis, double meanCombinedBatch, double meanNoiseScale,
      double meanMergeScale, double bytesPerMerge, double mergeSeconds, double computeSeconds) {
  }

  private final StreamCosts costs;
  private final SyncCosts sync;
  private final int lossWindow;

  public ParallelClockRun(StreamCosts costs, SyncCosts sync, int lossWindow) {
    this.costs = costs;
    this.sync = sync;
    this.lossWindow = lossWindow;
  }

  /**
   * Learns {@code stream} with K learners of {@code modelSpec} ({@code optimizerSpec}, null for its default) under
   * {@code policySpec}, merging every {@code period}; {@code seed} draws the phases of the learners' punctuations.
   */
  public Result run(String scenario, BenchStream stream, int learners, String modelSpec, String optimizerSpec,
      String policySpec, SyncPeriod period, double targetLoss, long seed) {
    return new Run(stream, learners, modelSpec, optimizerSpec, policySpec, period, targetLoss, seed)
        .execute(scenario, period.spec());
  }

  /** A record on its way to a learner. */
  private record Message(double arrival, long order, byte[] bytes, long eventTime) {
  }

  /** One learner: its loop, its share of the stream, its clock and what reaches it. */
  private final class Learner {
    final int id;
    final LearningLoop loop;
    final ModelReplica replica;
    final ModelMerge merge;
    final PriorityQueue<Message> inbox = new PriorityQueue<>((a, b) -> a.arrival != b.arrival
        ? Double.compare(a.arrival, b.arrival) : Long.compare(a.order, b.order));
    double clock;
    int nextEvent;
    long offset;
    /** The offset at the last punctuation: none taken since means the learner's input is idle. */
    long offsetAtPunctuation;
    long punctuations = 1;

    Learner(int id, LearningLoop loop, ModelReplica replica, ModelMerge merge, double firstPunctuation) {
      this.id = id;
      this.loop = loop;
      this.replica = replica;
      this.merge = merge;
      this.nextEvent = id;
      this.punctuationPhase = firstPunctuation;
    }

    /** Punctuations run every punctuate.interval.ms from a phase of the learner's own. */
    final double punctuationPhase;

    double nextPunctuation() {
      return punctuationPhase + punctuations * costs.punctuateMillis() / 1000.0;
    }
  }

  private final class Run {
    private final BenchStream stream;
    private final int k;
    private final double targetLoss;
    private final List<Learner> learners = new ArrayList<>();
    private final double[] row;
    private final int n;
    private final double decay = 1.0 - 1.0 / lossWindow;
    private final AvroSerde<ModelDelta> deltas = Serdes.modelDelta();
    private final AvroSerde<MergedModel> merged = Serdes.mergedModel();
    private final AvroSerde<LearnerCheckpoint> checkpoints = Serdes.learnerCheckpoint();
    private final AvroSerde<TrainingMetrics> summaries = Serdes.trainingMetrics();
    private final AvroSerde<ModelSnapshot> snapshots = Serdes.modelSnapshot();
    private long order;
    private double homeInFreeAt;
    private double homeOutFreeAt;
    private long learned;
    private double lossMoment;
    private double lossPower = 1;
    private double secondsToTarget = Double.NaN;
    private long examplesToTarget = -1;
    private double secondsToAll = Double.NaN;
    private double tailLoss;
    private double tailWeight;
    private long merges;
    private double syncUpdates;
    private double syncMillis;
    private double combinedBatch;
    private double noiseScales;
    private long noiseScaleCount;
    private double mergeScales;
    private double deltaBytes;
    private double mergedBytes;
    private long mergedCopies;
    private double mergeSeconds;
    private double computeSeconds;

    Run(BenchStream stream, int k, String modelSpec, String optimizerSpec, String policySpec, SyncPeriod period,
        double targetLoss, long seed) {
      this.stream = stream;
      this.k = k;
      this.targetLoss = targetLoss;
      this.n = stream.size();
      this.row = new double[stream.featureCount()];
      Random random = new Random(seed);
      for (int id = 0; id < k; id++) {
        OnlineModel model = ModelFactory.create(modelSpec, optimizerSpec, stream.featureCount());
        String optimizer = model.exportState().optimizerSpec();
        LearningLoop loop = new LearningLoop(modelSpec, model, BatchingPolicies.parse(policySpec, MAX_WAIT_MILLIS,
            optimizer, model.bytesPerExample()));
        learners.add(new Learner(id, loop, id == 0 ? null : ModelReplica.start(loop, id, period, 0),
            id == 0 ? new ModelMerge(loop, ModelMerge.coupling(policySpec, optimizer), null) : null,
            random.nextDouble() * costs.punctuateMillis() / 1000.0));
      }
    }

    Result execute(String scenario, String periodSpec) {
      while (Double.isNaN(secondsToAll)) {
        Learner next = learners.get(0);
        for (Learner l : learners) {
          if (l.clock < next.clock) {
            next = l;
          }
        }
        if (next.clock > TIME_LIMIT_SECONDS) {
          break;
        }
        act(next);
      }
      return new Result(scenario, k, periodSpec, targetLoss, secondsToTarget, examplesToTarget, secondsToAll,
          n / secondsToAll, tailLoss / Math.max(tailWeight, 1e-300), merges, mean(syncUpdates, merges),
          mean(syncMillis, merges), mean(combinedBatch, merges), mean(noiseScales, noiseScaleCount),
          mean(mergeScales, merges), mean(deltaBytes, merges) + mean(mergedBytes, mergedCopies), mergeSeconds,
          computeSeconds);
    }

    private void act(Learner l) {
      Message message = l.inbox.peek();
      if (message != null && message.arrival <= l.clock) {
        l.inbox.poll();
        receive(l, message);
        return;
      }
      double punctuation = l.nextPunctuation();
      if (punctuation <= l.clock) {
        punctuate(l);
        l.punctuations++;
        return;
      }
      if (l.nextEvent < n) {
        take(l);
        return;
      }
      l.clock = message == null ? punctuation : Math.min(punctuation, message.arrival);
    }

    private void take(Learner l) {
      int i = l.nextEvent;
      l.nextEvent += k;
      l.clock += costs.eventSeconds();
      stream.features(i, row);
      l.loop.add(row, stream.label(i), 1.0, l.offset++, 0, nanos(l.clock));
      l.loop.addEventCost((long) (costs.processorEventSeconds() * 1e9));
      if (l.loop.batchFull()) {
        step(l);
      }
    }

    /** The events of this learner's share not yet taken: its consumer lag in a backlog. */
    private long lag(Learner l) {
      return Math.max(0, (n - l.nextEvent + k - 1) / k);
    }

    private void step(Learner l) {
      l.loop.limitArrivalRate(0);
      long started = System.nanoTime();
      StepResult step = l.loop.step(nanos(l.clock), lag(l));
      double seconds = (System.nanoTime() - started) * 1e-9;
      computeSeconds += seconds;
      l.clock += seconds + costs.updateSeconds();
      double tailStart = 0.9 * n;
      if (learned + step.batchSize() > tailStart) {
        double share = (learned + step.batchSize() - Math.max(learned, tailStart)) / step.batchSize();
        tailLoss += share * step.lossSum();
        tailWeight += share * step.weightSum();
      }
      learned += step.batchSize();
      double keep = Math.pow(decay, step.batchSize());
      lossMoment = keep * lossMoment + (1 - keep) * step.lossSum() / Math.max(step.weightSum(), 1e-300);
      lossPower *= keep;
      if (examplesToTarget < 0 && learned >= lossWindow && lossMoment / (1 - lossPower) <= targetLoss) {
        examplesToTarget = learned;
        secondsToTarget = l.clock;
      }
      if (l.replica != null) {
        sendDelta(l, false);  // as the processor does after each update
      } else if (l.merge.replicasWaiting()
          && l.loop.publishDue(nanos(l.clock), publishInterval(l), 0, MAX_PUBLISH_SHARE, false)) {
        publish(l);  // the merged version the replicas wait for, as the processor publishes it after an update
      }
    }

    /** A replica's delta when one is due (or, at a punctuation, overdue), with the checkpoint written with it. */
    private void sendDelta(Learner l, boolean punctuation) {
      long started = System.nanoTime();
      ModelDelta delta = punctuation ? l.replica.overdueDelta(nanos(l.clock)) : null;
      boolean fresh = delta == null;
      if (fresh) {
        delta = l.replica.nextDelta(nanos(l.clock), millis(l.clock), lag(l));
      }
      if (delta == null) {
        return;
      }
      if (fresh) {
        checkpoints.serialize("", l.loop.checkpoint(millis(l.clock)));
      }
      byte[] bytes = deltas.serialize("", delta);
      // the thread waits for the commit it asks for, as Kafka Streams commits on the stream thread
      l.clock += spent(started) + sync.commitSeconds();
      deltaBytes += bytes.length;
      double start = Math.max(l.clock, homeInFreeAt);
      homeInFreeAt = start + bytes.length / sync.networkBytesPerSecond();
      learners.get(0).inbox.add(new Message(homeInFreeAt + sync.brokerSeconds(), order++, bytes, 0));
    }

    private void punctuate(Learner l) {
      boolean inputIdle = l.offset == l.offsetAtPunctuation;
      l.offsetAtPunctuation = l.offset;
      if (l.loop.waitedTooLong(nanos(l.clock))) {
        step(l);
      }
      if (l.replica != null) {
        sendDelta(l, true);
        return;
      }
      ModelMerge merge = l.merge;
      if (l.loop.publishDue(nanos(l.clock), publishInterval(l), 0, MAX_PUBLISH_SHARE, inputIdle)) {
        publish(l);
      } else if (merge.onlyAcknowledgementsOwed()) {
        long started = System.nanoTime();
        MergedModel model = merge.mergedModel(millis(l.clock), nanos(l.clock), false);
        byte[] bytes = merged.serialize("", model);
        l.clock += spent(started);
        broadcast(l, model, bytes);
      }
    }

    /** A publication at the home, as the processor's: checkpoint, summary, snapshot, and the merged model out. */
    private void publish(Learner home) {
      long started = System.nanoTime();
      LearningLoop loop = home.loop;
      loop.nextVersion(nanos(home.clock));
      checkpoints.serialize("", loop.checkpoint(millis(home.clock)));
      TrainingMetrics summary = loop.closeInterval(millis(home.clock), lag(home));
      home.merge.describe(summary, nanos(home.clock));
      if (summary.getMerges() > 0) {
        merges += summary.getMerges();
        syncUpdates += summary.getSyncUpdates() * summary.getMerges();
        syncMillis += summary.getSyncMillis() * summary.getMerges();
        combinedBatch += summary.getCombinedBatch() * summary.getMerges();
        mergeScales += summary.getMergeScale() * summary.getMerges();
      }
      summaries.serialize("", summary);
      snapshots.serialize("", loop.snapshot(millis(home.clock)));
      MergedModel model = home.merge.mergedModel(millis(home.clock), nanos(home.clock), true);
      byte[] bytes = model == null ? null : merged.serialize("", model);
      double seconds = spent(started);
      home.clock += seconds;
      loop.publishCost((long) (seconds * 1e9));
      if (model != null) {
        broadcast(home, model, bytes);
      }
      if (loop.examplesSeen() == n) {
        secondsToAll = home.clock;
      }
    }

    private void broadcast(Learner home, MergedModel model, byte[] bytes) {
      home.clock += sync.commitSeconds();
      double visible = home.clock;
      for (ReplicaProgress recipient : model.getReplicas()) {
        double start = Math.max(visible, homeOutFreeAt);
        homeOutFreeAt = start + bytes.length / sync.networkBytesPerSecond();
        learners.get(recipient.getReplica()).inbox.add(new Message(homeOutFreeAt + sync.brokerSeconds(), order++, bytes,
            model.getCreatedAt().toEpochMilli()));
        mergedBytes += bytes.length;
        mergedCopies++;
      }
    }

    private void receive(Learner l, Message message) {
      long started = System.nanoTime();
      if (l.merge != null) {
        ModelDelta delta = deltas.deserialize("", message.bytes());
        if (l.merge.merge(delta, message.eventTime(), nanos(l.clock)) && delta.getNoiseScale() != null
            && Double.isFinite(delta.getNoiseScale())) {
          noiseScales += delta.getNoiseScale();
          noiseScaleCount++;
        }
        l.clock += spent(started);
        if (l.loop.publishDue(nanos(l.clock), publishInterval(l), 0, MAX_PUBLISH_SHARE, false)) {
          publish(l);  // as the processor does right after a merge
        }
        return;
      }
      l.replica.rebase(merged.deserialize("", message.bytes()));
      l.clock += spent(started);
    }

    private long publishInterval(Learner home) {
      return home.merge.replicasWaiting() ? ModelMerge.publishIntervalMillis(sync.mergeIntervalMillis(),
          costs.snapshotIntervalMillis(), sync.commitSeconds() * 1000) : costs.snapshotIntervalMillis();
    }

    private double spent(long startedNanos) {
      double seconds = (System.nanoTime() - startedNanos) * 1e-9;
      mergeSeconds += seconds;
      return seconds;
    }
  }

  private static double mean(double sum, long count) {
    return count > 0 ? sum / count : Double.NaN;
  }

  private static long nanos(double seconds) {
    return (long) (seconds * 1e9);
  }

  private static long millis(double seconds) {
    return (long) Math.floor(seconds * 1000);
  }
}
