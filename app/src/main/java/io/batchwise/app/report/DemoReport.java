package io.batchwise.app.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

import org.apache.avro.Schema;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import io.batchwise.schemas.TrainingMetrics;

/**
 * Writes a report folder that opens offline: index.html with the runs' summaries side by side, PNG
 * charts (XChart) of prequential loss, batch size, learning rate, throughput and noise scale over the stream,
 * and each run's TrainingMetrics as CSV (one row per snapshot interval: what the learner did and the policy
 * decided). Every series is computed from all of a run's summaries; only the points drawn are thinned.
 */
public final class DemoReport {
  static final List<String> CHARTS = List.of("loss.png", "batch-size.png", "learning-rate.png", "throughput.png",
      "noise-scale.png");
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;

  private DemoReport() {
  }

  public static Path write(Path dir, List<RunSeries> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    save(dir, "loss.png", lossChart(runs));
    save(dir, "batch-size.png", chart("Mean batch size per interval", "examples seen", "batch size", runs,
        m -> m.getUpdates() > 0 ? (double) m.getExamples() / m.getUpdates() : Double.NaN, true));
    save(dir, "learning-rate.png", chart("Learning rate (mean per interval)", "examples seen", "learning rate", runs,
        TrainingMetrics::getLearningRateMean, false));
    save(dir, "throughput.png", throughputChart(runs));
    save(dir, "noise-scale.png", chart("Gradient noise scale B_noise (the policy's estimate)", "examples seen",
        "B_noise", runs, m -> m.getNoiseScale() == null ? Double.NaN : m.getNoiseScale(), true));
    for (int i = 0; i < runs.size(); i++) {
      Files.writeString(dir.resolve(metricsFile(i)), csv(runs.get(i).updates()), StandardCharsets.UTF_8);
    }
    Path index = dir.resolve("index.html");
    Files.writeString(index, html(runs), StandardCharsets.UTF_8);
    return index;
  }

  /** metrics-1.csv, metrics-2.csv, ... in the order of the runs (policy specs make poor file names). */
  static String metricsFile(int index) {
    return "metrics-" + (index + 1) + ".csv";
  }

  /** Every field of the TrainingMetrics schema, in schema order; empty for a null (unknown) value. */
  private static String csv(List<TrainingMetrics> updates) {
    List<Schema.Field> fields = TrainingMetrics.getClassSchema().getFields();
    StringBuilder out = new StringBuilder();
    out.append(String.join(",", fields.stream().map(Schema.Field::name).toList())).append('\n');
    for (TrainingMetrics m : updates) {
      for (Schema.Field field : fields) {
        Object value = m.get(field.pos());
        if (field.pos() > 0) {
          out.append(',');
        }
        if (value != null) {
          String text = value.toString();
          out.append(text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static void save(Path dir, String file, XYChart chart) throws IOException {
    BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static XYChart newChart(String title, String x, String y) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    return chart;
  }

  /**
   * A run's prequential loss over the stream: x the examples seen at each summary, the running mean over every
   * example so far (the snapshot's logLoss at the same point), and the interval's own mean.
   */
  record LossSeries(List<Double> examples, List<Double> runningMean, List<Double> intervalMean) {
  }

  static LossSeries lossSeries(List<TrainingMetrics> summaries) {
    List<Double> x = new ArrayList<>();
    List<Double> mean = new ArrayList<>();
    List<Double> interval = new ArrayList<>();
    double lossSum = 0;
    double weightSum = 0;
    for (TrainingMetrics m : summaries) {
      if (!(m.getWeightSum() > 0)) {
        continue;
      }
      lossSum += m.getLossSum();
      weightSum += m.getWeightSum();
      x.add((double) m.getExamplesSeen());
      mean.add(lossSum / weightSum);
      interval.add(m.getLossSum() / m.getWeightSum());
    }
    return new LossSeries(x, mean, interval);
  }

  private static XYChart lossChart(List<RunSeries> runs) {
    XYChart chart = newChart("Prequential log loss (scored before learning)", "examples seen", "log loss");
    for (RunSeries run : runs) {
      LossSeries series = lossSeries(run.updates());
      if (!series.examples().isEmpty()) {
        List<Integer> kept = thinned(series.examples().size());
        chart.addSeries(run.policy() + " (mean)", pick(series.examples(), kept), pick(series.runningMean(), kept))
            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries(run.policy() + " (interval)", pick(series.examples(), kept), pick(series.intervalMean(), kept))
            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      }
    }
    return withPlaceholder(chart);
  }

  private static XYChart chart(String title, String xTitle, String yTitle, List<RunSeries> runs,
      ToDoubleFunction<TrainingMetrics> y, boolean logY) {
    XYChart chart = newChart(title, xTitle, yTitle);
    for (RunSeries run : runs) {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int i : thinned(run.updates().size())) {
        TrainingMetrics m = run.updates().get(i);
        double value = y.applyAsDouble(m);
        if (Double.isFinite(value) && (!logY || value > 0)) {
          xs.add((double) m.getExamplesSeen());
          ys.add(value);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(run.policy(), xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      }
    }
    chart.getStyler().setYAxisLogarithmic(logY && !chart.getSeriesMap().isEmpty());
    return withPlaceholder(chart);
  }

  /** Examples learned per second of wall time, interval by interval. */
  private static XYChart throughputChart(List<RunSeries> runs) {
    XYChart chart = newChart("Throughput", "seconds since the first update", "examples / s");
    for (RunSeries run : runs) {
      if (run.updates().isEmpty()) {
        continue;
      }
      long start = run.updates().get(0).getIntervalStart().toEpochMilli();
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (TrainingMetrics m : run.updates()) {
        long millis = m.getIntervalEnd().toEpochMilli() - m.getIntervalStart().toEpochMilli();
        if (millis > 0) {
          xs.add((m.getIntervalEnd().toEpochMilli() - start) / 1000.0);
          ys.add(m.getExamples() * 1000.0 / millis);
        }
      }
      if (!xs.isEmpty()) {
        chart.addSeries(run.policy(), xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      }
    }
    return withPlaceholder(chart);
  }

  /** The indices of at most ~2000 points to draw of n: every k-th, always the last. */
  private static List<Integer> thinned(int n) {
    int step = Math.max(1, n / 2000);
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < n; i += step) {
      kept.add(i);
    }
    if (n > 0 && kept.get(kept.size() - 1) != n - 1) {
      kept.add(n - 1);
    }
    return kept;
  }

  private static List<Double> pick(List<Double> values, List<Integer> indices) {
    return indices.stream().map(values::get).toList();
  }

  /** XChart cannot draw an empty chart: say so in it instead. */
  private static XYChart withPlaceholder(XYChart chart) {
    if (chart.getSeriesMap().isEmpty()) {
      chart.addSeries("no data", new double[] {0}, new double[] {0});
    }
    return chart;
  }

  private static String html(List<RunSeries> runs) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>batchwise demo report</title>\n")
        .append("<style>body{font-family:sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}")
        .append("img{max-width:100%;margin:1em 0}</style></head><body>\n<h1>batchwise demo report</h1>\n");
    Set<String> keys = new LinkedHashSet<>();
    runs.forEach(run -> keys.addAll(run.summary().keySet()));
    h.append("<table><tr><th></th>");
    runs.forEach(run -> h.append("<th>").append(escape(run.policy())).append("</th>"));
    h.append("</tr>\n");
    for (String key : keys) {
      h.append("<tr><td>").append(escape(key)).append("</td>");
      for (RunSeries run : runs) {
        h.append("<td>").append(escape(format(run.summary().get(key)))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    for (String chart : CHARTS) {
      h.append("<img src=\"").append(chart).append("\" alt=\"").append(chart.replace(".png", "")).append("\">\n");
    }
    h.append("<p>What the learner did, interval by interval, as CSV:");
    for (int i = 0; i < runs.size(); i++) {
      h.append(" <a href=\"").append(metricsFile(i)).append("\">").append(escape(runs.get(i).policy())).append("</a>");
    }
    h.append("</p>\n");
    h.append("<p>Prequential: each example is scored by the model before the model learns from it. ")
        .append("Source data, the policies and every figure come from this run.</p>\n</body></html>\n");
    return h.toString();
  }

  private static String format(Object value) {
    if (value instanceof Double d) {
      return Math.abs(d) >= 1000 ? String.format("%.0f", d) : String.format("%.4g", d);
    }
    return String.valueOf(value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
