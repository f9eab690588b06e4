package io.batchwise.ingest;

import java.util.HashMap;
import java.util.Map;

/**
 * Synthetic streams from a spec, deterministic for a seed:
 * {@code hyperplane:d=10,n=20000,drift=0.001,noise=0.05,reversal=0.1} (rotating hyperplane, gradual drift).
 * {@code n=0} means endless. Every key has the default shown.
 */
public final class SyntheticStreams {
  private SyntheticStreams() {
  }

  public static EventSource create(String spec, String modelId, long seed) {
    String trimmed = spec.strip();
    int colon = trimmed.indexOf(':');
    String kind = colon < 0 ? trimmed : trimmed.substring(0, colon);
    Map<String, String> args = arguments(colon < 0 ? "" : trimmed.substring(colon + 1), spec);
    switch (kind) {
      case "hyperplane": {
        RotatingHyperplane stream = new RotatingHyperplane(spec, modelId, seed,
            intArg(args, "d", 10, spec), longArg(args, "n", 20000, spec),
            doubleArg(args, "drift", 0.001, spec), doubleArg(args, "noise", 0.05, spec),
            doubleArg(args, "reversal", 0.1, spec));
        args.keySet().removeAll(java.util.Set.of("d", "n", "drift", "noise", "reversal"));
        if (!args.isEmpty()) {
          throw new IllegalArgumentException("unknown key(s) " + args.keySet() + " in synthetic stream '" + spec + "'");
        }
        return stream;
      }
      default:
        throw new IllegalArgumentException("unknown synthetic stream '" + spec + "' (known: hyperplane:...)");
    }
  }

  private static Map<String, String> arguments(String text, String spec) {
    Map<String, String> args = new HashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 1) {
        throw new IllegalArgumentException("expected key=value, got '" + part + "' in '" + spec + "'");
      }
      args.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
    }
    return args;
  }

  private static int intArg(Map<String, String> args, String key, int fallback, String spec) {
    return (int) longArg(args, key, fallback, spec);
  }

  private static long longArg(Map<String, String> args, String key, long fallback, String spec) {
    try {
      return args.containsKey(key) ? Long.parseLong(args.get(key)) : fallback;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number in '" + spec + "'");
    }
  }

  private static double doubleArg(Map<String, String> args, String key, double fallback, String spec) {
    try {
      return args.containsKey(key) ? Double.parseDouble(args.get(key)) : fallback;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number in '" + spec + "'");
    }
  }
}
