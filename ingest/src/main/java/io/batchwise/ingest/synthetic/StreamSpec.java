package io.batchwise.ingest.synthetic;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A parsed synthetic stream spec {@code kind[:key=value,key=value...]}. Each stream asks for its parameters
 * with a default; {@link #rejectUnknown()} then refuses any key no stream asked for, naming the known ones.
 */
final class StreamSpec {
  final String text;
  final String kind;
  private final Map<String, String> params = new LinkedHashMap<>();
  private final TreeSet<String> known = new TreeSet<>();

  private StreamSpec(String text, String kind) {
    this.text = text;
    this.kind = kind;
  }

  static StreamSpec parse(String text) {
    String trimmed = text.trim();
    int colon = trimmed.indexOf(':');
    String kind = (colon < 0 ? trimmed : trimmed.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    if (kind.isEmpty()) {
      throw new IllegalArgumentException("empty synthetic stream spec");
    }
    StreamSpec spec = new StreamSpec(trimmed, kind);
    if (colon >= 0) {
      for (String pair : trimmed.substring(colon + 1).split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("'" + pair.trim() + "' in spec '" + trimmed + "' is not key=value");
        }
        String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (spec.params.put(key, pair.substring(eq + 1).trim()) != null) {
          throw new IllegalArgumentException("parameter '" + key + "' given twice in spec '" + trimmed + "'");
        }
      }
    }
    return spec;
  }

  double number(String key, double defaultValue, double min, double max) {
    known.add(key);
    String raw = params.get(key);
    if (raw == null) {
      return defaultValue;
    }
    double value;
    try {
      value = Double.parseDouble(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(kind + ": parameter " + key + "='" + raw + "' is not a number");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(kind + ": parameter " + key + "=" + raw + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }

  long integer(String key, long defaultValue, long min, long max) {
    known.add(key);
    String raw = params.get(key);
    if (raw == null) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(raw.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(kind + ": parameter " + key + "='" + raw + "' is not an integer");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(kind + ": parameter " + key + "=" + raw + " is outside [" + min + ", " + max + "]");
    }
    return value;
  }

  void rejectUnknown() {
    for (String key : params.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(kind + ": unknown parameter '" + key + "' (known: " + String.join(", ", known) + ")");
      }
    }
  }
}
