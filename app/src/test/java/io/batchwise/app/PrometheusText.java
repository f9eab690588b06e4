package io.batchwise.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checker of the Prometheus text exposition format (version 0.0.4), line by line: every line is a HELP or TYPE
 * line, another comment, blank, or a sample {@code name{label="value",...} value [timestamp]}; names, label
 * names, escapes and values are as the format defines them; a metric has at most one HELP and one TYPE line, its
 * TYPE before its samples, and its samples in one group; sample names fit the type (a summary's {@code _sum} and
 * {@code _count}, a histogram's {@code _bucket}); no series appears twice. {@link #parse} fails with the line
 * number and what is wrong.
 */
final class PrometheusText {
  /** One sample line: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.get(key);
    }
  }

  private static final String METRIC_NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final String LABEL_NAME = "[a-zA-Z_][a-zA-Z0-9_]*";
  /** Any characters but a quote, a backslash or a newline, or the escapes \\, \" and \n. */
  private static final String LABEL_VALUE = "\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"";
  private static final String LABEL = "(" + LABEL_NAME + ")=" + LABEL_VALUE;
  private static final String VALUE = "[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?Inf|NaN";
  private static final Pattern SAMPLE = Pattern.compile("(" + METRIC_NAME + ")(?:\\{((?:" + LABEL + ",)*(?:" + LABEL
      + ")?)\\})?[ \\t]+(" + VALUE + ")(?:[ \\t]+(-?\\d+))?[ \\t]*");
  private static final Pattern LABELS = Pattern.compile(LABEL + ",?");
  private static final Pattern HELP = Pattern.compile("#[ \\t]+HELP[ \\t]+(" + METRIC_NAME
      + ")(?:[ \\t]+((?:[^\\\\\\n]|\\\\[\\\\n])*))?");
  private static final Pattern TYPE = Pattern.compile("#[ \\t]+TYPE[ \\t]+(" + METRIC_NAME
      + ")[ \\t]+(counter|gauge|histogram|summary|untyped)[ \\t]*");
  private static final Map<String, List<String>> SUFFIXES = Map.of(
      "counter", List.of(""), "gauge", List.of(""), "untyped", List.of(""),
      "summary", List.of("", "_sum", "_count"), "histogram", List.of("_bucket", "_sum", "_count"));

  private PrometheusText() {
  }

  /** The samples of {@code text}; throws an AssertionError at the first line that breaks the format. */
  static List<Sample> parse(String text) {
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new AssertionError("the last line does not end with a line feed");
    }
    Map<String, String> types = new HashMap<>();
    Set<String> helped = new HashSet<>();
    Set<String> finished = new HashSet<>();
    Set<String> series = new HashSet<>();
    List<Sample> samples = new ArrayList<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      String where = "line " + (i + 1) + " '" + line + "': ";
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] words = line.substring(1).strip().split("[ \\t]+", 2);
        if (words[0].equals("HELP")) {
          Matcher help = HELP.matcher(line);
          check(help.matches(), where + "not '# HELP name docstring' (escapes: \\\\ and \\n only)");
          check(helped.add(help.group(1)), where + "a second HELP line for " + help.group(1));
        } else if (words[0].equals("TYPE")) {
          Matcher type = TYPE.matcher(line);
          check(type.matches(), where + "not '# TYPE name counter|gauge|histogram|summary|untyped'");
          String family = type.group(1);
          check(!types.containsKey(family), where + "a second TYPE line for " + family);
          check(!finished.contains(family) && !family.equals(current), where + "TYPE after samples of " + family);
          types.put(family, type.group(2));
        }
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      check(sample.matches(), where + "not 'name{label=\"value\",...} value [timestamp]'");
      String name = sample.group(1);
      String family = familyOf(name, types);
      check(family != null, where + name + " fits the name and type of no TYPE line");
      if (!family.equals(current)) {
        check(finished.add(family), where + "the samples of " + family + " are not in one group");
        if (current != null) {
          finished.add(current);
        }
        current = family;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABELS.matcher(sample.group(2));
        while (label.find()) {
          check(!label.group(1).startsWith("__"), where + "label " + label.group(1) + " is reserved");
          check(labels.put(label.group(1), unescape(label.group(2))) == null, where + "label " + label.group(1)
              + " twice");
        }
      }
      check(series.add(name + labels), where + "the series " + name + labels + " twice");
      String value = sample.group(sample.groupCount() - 1);
      samples.add(new Sample(name, labels, value.endsWith("Inf") ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY
          : Double.POSITIVE_INFINITY) : Double.parseDouble(value)));
    }
    return samples;
  }

  /** The family a sample name belongs to: its own if untyped, else the typed name it is, or ends a suffix of. */
  private static String familyOf(String name, Map<String, String> types) {
    for (Map.Entry<String, String> type : types.entrySet()) {
      for (String suffix : SUFFIXES.get(type.getValue())) {
        if (name.equals(type.getKey() + suffix)) {
          return type.getKey();
        }
      }
    }
    return types.containsKey(name) ? null : name;
  }

  private static String unescape(String value) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        c = value.charAt(++i);
        text.append(c == 'n' ? '\n' : c);
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new AssertionError(problem);
    }
  }
}
