package io.batchwise.policy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Collection;

/** The {@code key=value,key=value} part of a policy spec, with unit-aware readers. */
final class SpecArguments {
  private final String spec;
  private final Map<String, String> values = new LinkedHashMap<>();

  SpecArguments(String spec, String arguments, Collection<String> knownKeys) {
    this.spec = spec;
    if (arguments.isBlank()) {
      return;
    }
    for (String pair : arguments.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value in '" + spec + "', got '" + pair + "'");
      }
      String key = pair.substring(0, eq).strip();
      if (!knownKeys.contains(key)) {
        throw new IllegalArgumentException("unknown key '" + key + "' in '" + spec + "' (known: " + String.join(", ", knownKeys) + ")");
      }
      values.put(key, pair.substring(eq + 1).strip());
    }
  }

  String text(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  boolean flag(String key, boolean fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "on", "true", "yes" -> true;
      case "off", "false", "no" -> false;
      default -> throw bad(key, v, "on or off");
    };
  }

  int integer(String key, int fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "an integer");
    }
  }

  double real(String key, double fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    if (v.equalsIgnoreCase("inf") || v.equalsIgnoreCase("infinity")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw bad(key, v, "a number");
    }
  }

  /** A duration: {@code 500ms}, {@code 2s}, {@code 1m}, or a bare number of milliseconds. */
  long millis(String key, long fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    String s = v.toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Math.round(Double.parseDouble(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Math.round(1000 * Double.parseDouble(s.substring(0, s.length() - 1)));
      }
      if (s.endsWith("m")) {
        return Math.round(60_000 * Double.parseDouble(s.substring(0, s.length() - 1)));
      }
      return Math.round(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      throw bad(key, v, "a duration such as 500ms or 2s");
    }
  }

  /** A size in bytes: {@code 64MiB}, {@code 512KiB}, {@code 1GiB}, {@code 10MB}, {@code 4096}. */
  long bytes(String key, long fallback) {
    String v = values.get(key);
    if (v == null) {
      return fallback;
    }
    String s = v.toLowerCase(Locale.ROOT);
    String[] units = {"kib", "mib", "gib", "kb", "mb", "gb", "b"};
    double[] factors = {1L << 10, 1L << 20, 1L << 30, 1e3, 1e6, 1e9, 1};
    try {
      for (int u = 0; u < units.length; u++) {
        if (s.endsWith(units[u])) {
          return Math.round(factors[u] * Double.parseDouble(s.substring(0, s.length() - units[u].length())));
        }
      }
      return Math.round(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      throw bad(key, v, "a size such as 64MiB or 4096");
    }
  }

  private IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException(key + " must be " + expected + " in '" + spec + "', got '" + value + "'");
  }
}
