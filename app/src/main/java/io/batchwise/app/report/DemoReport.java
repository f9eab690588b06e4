package io.batchwise.app.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
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
  /** The loss chart's series of a run's running mean: its policy, then this. */
  static final String MEAN = " (mean)";
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
    chart.getStyler().setXAxisDecimalPattern("#,##0.##");
    return chart;
  }

  /**
   * Tick labels with as many decimals as the ticks' spacing needs, and a range that is never a single value:
   * XChart's defaults label a constant series such as a fixed learning rate with every digit of the double.
   */
  static XYChart readableAxes(XYChart chart, boolean logY) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (XYSeries series : chart.getSeriesMap().values()) {
      for (double y : series.getYData()) {
        if (Double.isFinite(y)) {
          lo = Math.min(lo, y);
          hi = Math.max(hi, y);
        }
      }
    }
    if (!(lo <= hi)) {
      return chart;
    }
    if (logY) {
      chart.getStyler().setYAxisDecimalPattern(lo < 0.01 ? "0.#E0" : "#,##0.##");
      return chart;
    }
    if (hi - lo <= 1e-9 * Math.max(Math.abs(hi), 1e-300)) {
      double pad = hi == 0 ? 1 : Math.abs(hi) * 0.1;
      lo -= pad;
      hi += pad;
      chart.getStyler().setYAxisMin(lo);
      chart.getStyler().setYAxisMax(hi);
    }
    chart.getStyler().setYAxisDecimalPattern(decimalPattern(lo, hi));
    return chart;
  }

  /** A DecimalFormat pattern for about five ticks between lo and hi: enough decimals to tell them apart. */
  static String decimalPattern(double lo, double hi) {
    double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10((hi - lo) / 5)));
    if (magnitude < 1e-3 || decimals > 6) {
      return "0.###E0";
    }
    return decimals == 0 ? "#,##0" : "#,##0." + "0".repeat(Math.min(decimals, 1)) + "#".repeat(Math.max(0, decimals - 1));
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

  static XYChart lossChart(List<RunSeries> runs) {
    XYChart chart = newChart("Prequential log loss (scored before learning)", "examples seen", "log loss");
    for (RunSeries run : runs) {
      LossSeries series = lossSeries(run.updates());
      if (!series.examples().isEmpty()) {
        List<Integer> kept = thinned(series.examples().size());
        chart.addSeries(run.label() + MEAN, pick(series.examples(), kept), pick(series.runningMean(), kept))
            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.addSeries(run.label() + " (interval)", pick(series.examples(), kept), pick(series.intervalMean(), kept))
            .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      }
    }
    return readableAxes(withPlaceholder(chart), false);
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
        chart.addSeries(run.label(), xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      }
    }
    chart.getStyler().setYAxisLogarithmic(logY && decades(chart) >= 2);
    return readableAxes(withPlaceholder(chart), chart.getStyler().isYAxisLogarithmic());
  }

  /** Decades the chart's values span: XChart labels a log axis at powers of ten only, too few below two. */
  private static double decades(XYChart chart) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (XYSeries series : chart.getSeriesMap().values()) {
      for (double y : series.getYData()) {
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
    }
    return hi > 0 ? Math.log10(hi / lo) : 0;
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
        chart.addSeries(run.label(), xs, ys).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      }
    }
    return readableAxes(withPlaceholder(chart), false);
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

  /** A row of the summary table: the summary's key, what it is called there, and how its value reads. */
  private record Row(String key, String label, Function<Object, String> format) {
  }

  private static final List<Row> ROWS = List.of(
      new Row("events", "events published", DemoReport::count),
      new Row("rejectedRows", "rejected rows", DemoReport::count),
      new Row("examplesSeen", "examples learned", DemoReport::count),
      new Row("updates", "updates", DemoReport::count),
      new Row("prequentialLogLoss", "prequential log loss", v -> fixed(v, 4)),
      new Row("accuracy", "accuracy", DemoReport::percent),
      new Row("recentLogLoss", "recent log loss (last ~1,000)", v -> fixed(v, 4)),
      new Row("recentAccuracy", "recent accuracy", DemoReport::percent),
      new Row("meanBatchSize", "mean batch size", v -> significant(v, 3)),
      new Row("batchSize", "batch size at the end", DemoReport::count),
      new Row("learningRate", "learning rate at the end", v -> significant(v, 3)),
      new Row("eventsPerSecond", "events / s", DemoReport::count),
      new Row("wallSeconds", "wall time", v -> fixed(v, 1) + " s"),
      new Row("snapshotVersion", "snapshots published", DemoReport::count),
      new Row("deadLetters", "dead letters", DemoReport::count),
      new Row("model", "model", String::valueOf),
      new Row("optimizer", "optimizer", String::valueOf),
      new Row("featureCount", "features", DemoReport::count));

  /** Summary keys the table does not show: the same for every run (said above it), or repeated in other rows. */
  private static final Set<String> NOT_IN_TABLE = Set.of("source", "modelId", "version", "createdAt", "parameters",
      "batchingPolicy");

  static String html(List<RunSeries> runs) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width\"><title>batchwise demo report</title>\n<style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:960px;padding:0 1em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border-bottom:1px solid #ddd;padding:5px 14px;text-align:right;font-variant-numeric:tabular-nums}")
        .append("th:first-child,td:first-child{text-align:left;color:#555;font-weight:normal}")
        .append("thead th{border-bottom:2px solid #888}abbr{text-decoration:none;cursor:help}")
        .append(".specs{font-size:.85em;color:#555;overflow-wrap:anywhere}.specs code{font-size:.95em}")
        .append("img{max-width:100%;margin:1em 0}</style></head><body>\n<h1>batchwise demo report</h1>\n");
    Object source = runs.isEmpty() ? null : runs.get(0).summary().get("source");
    if (source != null) {
      h.append("<p>Stream: <code>").append(escape(String.valueOf(source))).append("</code>, ")
          .append(runs.size() == 1 ? "learned with one batching policy" : "learned once with each batching policy")
          .append(".</p>\n");
    }
    h.append("<table><thead><tr><th></th>");
    for (int i = 0; i < runs.size(); i++) {
      RunSeries run = runs.get(i);
      h.append("<th><abbr title=\"").append(escape(spec(run))).append("\">").append(escape(run.label()))
          .append("</abbr><sup>").append(i + 1).append("</sup></th>");
    }
    h.append("</tr></thead><tbody>\n");
    Set<String> shown = new LinkedHashSet<>();
    for (Row row : ROWS) {
      if (runs.stream().anyMatch(run -> run.summary().containsKey(row.key()))) {
        tableRow(h, row, runs);
        shown.add(row.key());
      }
    }
    Set<String> others = new LinkedHashSet<>();
    runs.forEach(run -> others.addAll(run.summary().keySet()));
    others.removeAll(shown);
    others.removeAll(NOT_IN_TABLE);
    for (String key : others) {
      tableRow(h, new Row(key, key, DemoReport::format), runs);
    }
    h.append("</tbody></table>\n<ol class=\"specs\">");
    for (RunSeries run : runs) {
      h.append("<li><code>").append(escape(spec(run))).append("</code></li>");
    }
    h.append("</ol>\n");
    for (String chart : CHARTS) {
      h.append("<img src=\"").append(chart).append("\" alt=\"").append(chart.replace(".png", "")).append("\">\n");
    }
    h.append("<p>What the learner did, interval by interval, as CSV:");
    for (int i = 0; i < runs.size(); i++) {
      h.append(" <a href=\"").append(metricsFile(i)).append("\">").append(escape(runs.get(i).label())).append("</a>");
    }
    h.append("</p>\n");
    h.append("<p>Prequential: each example is scored by the model before the model learns from it. ")
        .append("Source data, the policies and every figure come from this run.</p>\n</body></html>\n");
    return h.toString();
  }

  private static void tableRow(StringBuilder h, Row row, List<RunSeries> runs) {
    h.append("<tr><th scope=\"row\">").append(escape(row.label())).append("</th>");
    for (RunSeries run : runs) {
      Object value = run.summary().get(row.key());
      h.append("<td>").append(escape(value == null ? "" : row.format().apply(value))).append("</td>");
    }
    h.append("</tr>\n");
  }

  /** The policy's full spec, as the learner reports it, else as it was asked for. */
  private static String spec(RunSeries run) {
    Object spec = run.summary().get("batchingPolicy");
    return spec == null ? run.policy() : spec.toString();
  }

  private static String count(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%,d", Math.round(n.doubleValue())) : format(value);
  }

  private static String fixed(Object value, int decimals) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%,." + decimals + "f", n.doubleValue()) : format(value);
  }

  private static String percent(Object value) {
    return value instanceof Number n ? String.format(Locale.ROOT, "%.2f %%", 100 * n.doubleValue()) : format(value);
  }

  /** {@code digits} significant digits, without exponent for the ranges a summary has. */
  private static String significant(Object value, int digits) {
    if (!(value instanceof Number n)) {
      return format(value);
    }
    double d = n.doubleValue();
    return d == 0 || !Double.isFinite(d) ? String.valueOf(d)
        : new BigDecimal(d).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
  }

  private static String format(Object value) {
    if (value instanceof Double d) {
      return Math.abs(d) >= 1000 ? String.format(Locale.ROOT, "%,.0f", d) : significant(d, 4);
    }
    return String.valueOf(value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
