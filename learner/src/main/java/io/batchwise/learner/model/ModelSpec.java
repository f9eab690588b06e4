package io.batchwise.learner.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.batchwise.policy.SpecNumbers;

/**
 * A parsed model spec: {@code kind[:shape][:key=value,...]}. Sections are separated by ':'; a section
 * holding '=' is a list of options, any other is the shape.
 * <ul>
 *   <li>{@code logistic}: binary logistic regression (labels 0/1)</li>
 *   <li>{@code linear} or {@code linear:squared}: least squares; {@code linear:huber}: Huber loss</li>
 *   <li>{@code softmax:K}: multinomial logistic regression over K classes (labels 0..K-1)</li>
 *   <li>{@code mlp:128,64}: d -> 128 -> 64 -> 1 sigmoid, binary cross-entropy; hidden sizes in order</li>
 * </ul>
 * Options (all kinds unless noted), overriding {@link ModelConfig}: {@code l2=}, {@code standardize=true|false},
 * {@code delta=} (linear:huber), and for mlp {@code classes=K} (K-class softmax output; 1 = binary, the default),
 * {@code loss=log|squared|huber} (log is classification; squared or huber make a regression mlp),
 * {@code activation=relu|tanh}, {@code seed=}, {@code precision=float32|float64}.
 * Example: {@code mlp:128,64:classes=10,activation=tanh}.
 */
public record ModelSpec(String kind, List<String> shape, Map<String, String> options) {
  private static final List<String> KINDS = List.of("logistic", "linear", "softmax", "mlp");

  public static ModelSpec parse(String spec) {
    String[] sections = spec.strip().toLowerCase(Locale.ROOT).split(":", -1);
    String kind = sections[0].strip();
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown model kind '" + spec + "' (known: " + String.join(", ", KINDS) + ")");
    }
    List<String> shape = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (int s = 1; s < sections.length; s++) {
      String section = sections[s].strip();
      if (section.isEmpty()) {
        continue;
      }
      if (section.contains("=")) {
        for (String pair : section.split(",")) {
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("model spec '" + spec + "': option '" + pair + "' is not key=value");
          }
          options.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
      } else {
        if (!shape.isEmpty()) {
          throw new IllegalArgumentException("model spec '" + spec + "' has two shape sections");
        }
        for (String part : section.split(",")) {
          shape.add(part.strip());
        }
      }
    }
    return new ModelSpec(kind, List.copyOf(shape), Map.copyOf(options));
  }

  /** The config with this spec's options applied over {@code base}. */
  public ModelConfig applyTo(ModelConfig base) {
    ModelConfig c = base;
    for (Map.Entry<String, String> e : options.entrySet()) {
      String v = e.getValue();
      switch (e.getKey()) {
        case "l2":
          c = c.withL2(number(e.getKey(), v));
          break;
        case "standardize":
          c = c.withStandardize(bool(e.getKey(), v));
          break;
        case "delta":
          c = c.withHuberDelta(number(e.getKey(), v));
          break;
        case "activation":
          c = c.withActivation(v);
          break;
        case "seed":
          c = c.withSeed((long) number(e.getKey(), v));
          break;
        case "precision":
          if (!v.equals("float32") && !v.equals("float64")) {
            throw new IllegalArgumentException("precision must be float32 or float64, got " + v);
          }
          c = c.withDoublePrecision(v.equals("float64"));
          break;
        case "classes":
        case "loss":
          break;
        default:
          throw new IllegalArgumentException("unknown model option '" + e.getKey() + "'");
      }
    }
    return c;
  }

  /** An integer option, or {@code fallback} when absent. */
  public int intOption(String key, int fallback) {
    String v = options.get(key);
    return v == null ? fallback : (int) number(key, v);
  }

  public String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  /** Shape entries as positive integers (K of softmax, the hidden sizes of an mlp). */
  public int[] shapeAsSizes() {
    int[] sizes = new int[shape.size()];
    for (int i = 0; i < sizes.length; i++) {
      try {
        sizes[i] = Integer.parseInt(shape.get(i));
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(kind + ": '" + shape.get(i) + "' is not a size", ex);
      }
      if (sizes[i] < 1) {
        throw new IllegalArgumentException(kind + ": size must be positive, got " + sizes[i]);
      }
    }
    return sizes;
  }

  private static double number(String key, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException("option " + key + "=" + v + " is not a number", ex);
    }
  }

  private static boolean bool(String key, String v) {
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException("option " + key + "=" + v + " is not true or false");
  }

  /** The spec string of a model with these parts, options listed where they differ from the defaults. */
  public static String canonical(String kindAndShape, ModelConfig config, String... extraOptions) {
    List<String> opts = new ArrayList<>();
    for (String extra : extraOptions) {
      if (extra != null) {
        opts.add(extra);
      }
    }
    ModelConfig d = ModelConfig.DEFAULTS;
    if (config.l2() != d.l2()) {
      opts.add("l2=" + SpecNumbers.format(config.l2()));
    }
    if (config.standardize() != d.standardize()) {
      opts.add("standardize=" + config.standardize());
    }
    return opts.isEmpty() ? kindAndShape : kindAndShape + ":" + String.join(",", opts);
  }
}
