package io.batchwise.app.dashboard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.TrainingMetrics;

/**
 * What the live dashboard shows: each model's latest snapshot, and a bounded history of its metrics summaries
 * as chart points. Points are numbered as they arrive, so a page that polls asks only for those after the
 * last it has. A source is a pair of snapshots and metrics topics; a page shows the models of every source,
 * those of a labelled source (the demo's compared runs) as "model · label".
 */
public final class Dashboard {
  private record Source(String label, Supplier<Map<String, ModelSnapshot>> snapshots, MetricsFollower metrics) {
  }

  /** One summary as the page charts it. */
  private record Point(long seq, Map<String, Object> fields) {
  }

  private final int pointsPerModel;
  private final List<Source> sources = new CopyOnWriteArrayList<>();
  /** Per series, its newest points in arrival order. Guarded by this. */
  private final Map<String, ArrayDeque<Point>> points = new LinkedHashMap<>();
  private long lastSeq;

  /** @param pointsPerModel the history kept per model: older points are dropped */
  public Dashboard(int pointsPerModel) {
    this.pointsPerModel = pointsPerModel;
  }

  /**
   * Shows the models of a source: their latest snapshots from {@code snapshots}, their summaries as {@code metrics}
   * reads them (start it after this call).
   *
   * @param label names the source's models beside their id; empty for none
   */
  public void follow(String label, Supplier<Map<String, ModelSnapshot>> snapshots, MetricsFollower metrics) {
    sources.add(new Source(label, snapshots, metrics));
    metrics.onSummary(summary -> add(series(label, summary.getModelId()), summary));
  }

  private static String series(String label, String modelId) {
    return label.isEmpty() ? modelId : modelId + " · " + label;
  }

  synchronized void add(String series, TrainingMetrics m) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("series", series);
    f.put("t", m.getIntervalEnd().toEpochMilli());
    f.put("version", m.getVersion());
    f.put("examples", m.getExamplesSeen());
    f.put("loss", ratio(m.getLossSum(), m.getWeightSum()));
    f.put("accuracy", ratio(m.getCorrectSum(), m.getWeightSum()));
    f.put("batch", ratio(m.getExamples(), m.getUpdates()));
    f.put("batchMin", m.getUpdates() > 0 ? m.getBatchSizeMin() : null);
    f.put("batchMax", m.getUpdates() > 0 ? m.getBatchSizeMax() : null);
    f.put("learningRate", finite(m.getLearningRateMean()));
    f.put("noiseScale", m.getNoiseScale() == null ? null : finite(m.getNoiseScale()));
    f.put("arrivalRate", finite(m.getArrivalRate()));
    long millis = m.getIntervalEnd().toEpochMilli() - m.getIntervalStart().toEpochMilli();
    f.put("learnedRate", millis > 0 ? m.getExamples() * 1000.0 / millis : null);
    f.put("lag", m.getLag());
    long seq = ++lastSeq;
    f.put("seq", seq);
    ArrayDeque<Point> history = points.computeIfAbsent(series, s -> new ArrayDeque<>());
    history.addLast(new Point(seq, f));
    while (history.size() > pointsPerModel) {
      history.removeFirst();
    }
  }

  /**
   * The page's data: {@code seq} (the last point's number), {@code models} (each model's latest snapshot, in
   * words the page shows), {@code points} (every kept point numbered after {@code after}, oldest first) and
   * {@code notices} (why something cannot be shown).
   */
  public Map<String, Object> view(long after) {
    Map<String, Object> view = new LinkedHashMap<>();
    List<Map<String, Object>> models = new ArrayList<>();
    List<String> notices = new ArrayList<>();
    for (Source source : sources) {
      source.snapshots().get().values().stream().sorted(Comparator.comparing(ModelSnapshot::getModelId))
          .forEach(s -> models.add(model(series(source.label(), s.getModelId()), s)));
      source.metrics().problem().ifPresent(notices::add);
    }
    List<Point> fresh = new ArrayList<>();
    synchronized (this) {
      view.put("seq", lastSeq);
      for (ArrayDeque<Point> history : points.values()) {
        for (Iterator<Point> it = history.descendingIterator(); it.hasNext(); ) {
          Point p = it.next();
          if (p.seq() <= after) {
            break;
          }
          fresh.add(p);
        }
      }
    }
    fresh.sort(Comparator.comparingLong(Point::seq));
    view.put("models", models);
    view.put("points", fresh.stream().map(Point::fields).toList());
    view.put("notices", notices);
    return view;
  }

  private static Map<String, Object> model(String series, ModelSnapshot s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("series", series);
    m.put("modelId", s.getModelId());
    m.put("version", s.getVersion());
    m.put("createdAt", s.getCreatedAt().toEpochMilli());
    m.put("examples", s.getExamplesSeen());
    m.put("model", s.getArchitecture().getSpec());
    m.put("features", s.getArchitecture().getFeatureCount());
    m.put("optimizer", s.getOptimizer().getSpec());
    m.put("policy", s.getBatchingPolicy());
    m.put("batchSize", s.getBatchSize());
    m.put("learningRate", finite(s.getLearningRate()));
    m.put("loss", finite(s.getMetrics().getLogLoss()));
    m.put("accuracy", finite(s.getMetrics().getAccuracy()));
    m.put("recentLoss", finite(s.getMetrics().getRecentLogLoss()));
    m.put("recentAccuracy", finite(s.getMetrics().getRecentAccuracy()));
    m.put("deadLetters", s.getDeadLetters());
    return m;
  }

  /** JSON has no NaN: a value that is not finite is shown as a gap. */
  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }

  private static Double ratio(double sum, double count) {
    return count > 0 ? finite(sum / count) : null;
  }
}
