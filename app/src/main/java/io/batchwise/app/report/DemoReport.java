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
 * and each run's TrainingMetrics as CSV (one row per update: what the policy saw and decided).
 */
public final class DemoReport {
  static final List<String> CHARTS = List.of("loss.png", "batch-size.png", "learning-rate.png", "throughput.png",
      "noise-scale.png");
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final double RECENT_EXAMPLES = 1000;

  private DemoReport() {
  }

  public static Path write(Path dir, List<RunSeries> runs) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    save(dir, "loss.png", lossChart(runs));
    save(dir, "batch-size.png", chart("Batch size", "examples seen", "batch size", runs,
        m -> m.getBatchSize(), true));
    save(dir, "learning-rate.png", chart("Learning rate", "examples seen", "learning rate", runs,
        TrainingMetrics::getLearningRate, false));
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

  /** Running mean of the prequential loss, and its exponentially weighted recent value (~1000 examples). */
  private static XYChart lossChart(List<RunSeries> runs) {
    XYChart chart = newChart("Prequential log loss (scored before learning)", "examples seen", "log loss");
    for (RunSeries run : runs) {
      List<Double> x = new ArrayList<>();
      List<Double> mean = new ArrayList<>();
      List<Double> recent = new ArrayList<>();
      double lossSum = 0;
      double ema = Double.NaN;
      for (TrainingMetrics m : thin(run.updates())) {
        lossSum += m.getLossBefore() * m.getBatchSize();
        double alpha = 1 - Math.pow(1 - 1 / RECENT_EXAMPLES, m.getBatchSize());
        ema = Double.isNaN(ema) ? m.getLossBefore() : ema + alpha * (m.getLossBefore() - ema);
        x.add((double) m.getExamplesSeen());
        mean.add(lossSum / m.getExamplesSeen());
        recent.add(ema);
      }
      if (!x.isEmpty()) {
        chart.addSeries(run.policy() + " (mean)", x, mean).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries(run.policy() + " (recent)", x, recent).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
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
      for (TrainingMetrics m : thin(run.updates())) {
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

  /** Examples learned per second of wall time, in half-second buckets of the updates' timestamps. */
  private static XYChart throughputChart(List<RunSeries> runs) {
    XYChart chart = newChart("Throughput", "seconds since the first update", "examples / s");
    for (RunSeries run : runs) {
      if (run.updates().isEmpty()) {
        continue;
      }
      long start = run.updates().get(0).getTimestamp().toEpochMilli();
      long last = run.updates().get(run.updates().size() - 1).getTimestamp().toEpochMilli();
      int buckets = (int) ((last - start) / 500) + 1;
      double[] examples = new double[buckets];
      for (TrainingMetrics m : run.updates()) {
        examples[(int) ((m.getTimestamp().toEpochMilli() - start) / 500)] += m.getBatchSize();
      }
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (int b = 0; b < buckets; b++) {
        xs.add(b * 0.5);
        ys.add(examples[b] * 2);
      }
      chart.addSeries(run.policy(), xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
    }
    return withPlaceholder(chart);
  }

  /** At most ~2000 points per series: every k-th update, always the last. */
  private static List<TrainingMetrics> thin(List<TrainingMetrics> updates) {
    int step = Math.max(1, updates.size() / 2000);
    List<TrainingMetrics> thinned = new ArrayList<>();
    for (int i = 0; i < updates.size(); i += step) {
      thinned.add(updates.get(i));
    }
    if (!updates.isEmpty() && thinned.get(thinned.size() - 1) != updates.get(updates.size() - 1)) {
      thinned.add(updates.get(updates.size() - 1));
    }
    return thinned;
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
    h.append("<p>Every update as CSV:");
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
