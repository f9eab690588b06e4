package io.batchwise.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The streams the Kafka benchmarks publish, by spec: {@code separable:d=D[,noise=P]} or {@code image[:classes=K]}. */
final class BenchSources {
  private BenchSources() {
  }

  static BenchStream open(String spec, int n, long seed) {
    String kind = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
    Map<String, String> params = new LinkedHashMap<>();
    if (spec.contains(":")) {
      for (String pair : spec.substring(spec.indexOf(':') + 1).split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("'" + pair + "' in source '" + spec + "' is not key=value");
        }
        params.put(kv[0].strip().toLowerCase(Locale.ROOT), kv[1].strip());
      }
    }
    try {
      BenchStream stream = switch (kind.strip().toLowerCase(Locale.ROOT)) {
        case "separable" -> ScenarioStreams.separable(n, Integer.parseInt(params.getOrDefault("d", "10")),
            Double.parseDouble(params.getOrDefault("noise", "0.1")), seed);
        case "image" -> ScenarioStreams.imageLike(n, Integer.parseInt(params.getOrDefault("classes", "1")), seed);
        default -> throw new IllegalArgumentException("unknown source '" + kind + "' (known: separable, image)");
      };
      params.keySet().removeAll(java.util.Set.of("d", "noise", "classes"));
      if (!params.isEmpty()) {
        throw new IllegalArgumentException("unknown keys " + params.keySet() + " in source '" + spec + "'");
      }
      return stream;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a number in source '" + spec + "' does not read: " + e.getMessage());
    }
  }
}
