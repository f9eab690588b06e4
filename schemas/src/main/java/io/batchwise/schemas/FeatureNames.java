package io.batchwise.schemas;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's feature names in vector order, and where each name goes: what lets a client send
 * {@code {"nswprice": 0.07, ...}} instead of values in the training file's column order.
 */
public final class FeatureNames {
  /** Names listed in a message before it says how many more there are. */
  private static final int LISTED = 8;

  private final List<String> names;
  private final Map<String, Integer> positions = new HashMap<>();
  private final Set<String> repeated = new HashSet<>();

  public FeatureNames(List<String> names) {
    this.names = List.copyOf(names);
    for (int i = 0; i < this.names.size(); i++) {
      if (positions.putIfAbsent(this.names.get(i), i) != null) {
        repeated.add(this.names.get(i));
      }
    }
  }

  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  /**
   * The position of a named feature, -1 for a name the model does not have.
   *
   * @throws IllegalArgumentException for a name the model has more than once
   */
  public int position(String name) {
    Integer position = positions.get(name);
    if (position == null) {
      return -1;
    }
    if (repeated.contains(name)) {
      throw new IllegalArgumentException("the model has more than one feature named '" + name
          + "': send its features by position");
    }
    return position;
  }

  /** "unknown feature 'x' (the model's features: a, b, c)". */
  public String unknown(String name) {
    return "unknown feature '" + name + "' (the model's features: " + listed(names) + ")";
  }

  /** Why a vector whose named values filled only the positions marked in {@code given} is incomplete, or null. */
  public String missing(boolean[] given) {
    List<String> absent = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (!given[i]) {
        absent.add(names.get(i));
      }
    }
    if (absent.isEmpty()) {
      return null;
    }
    return (absent.size() == 1 ? "feature '" + absent.get(0) + "' is missing"
        : "features " + quoted(absent) + " are missing") + " (the model takes " + names.size() + ")";
  }

  /**
   * Why an event whose features carry {@code given} names cannot be learned by a model named {@code expected}
   * (null: not yet named) with {@code featureCount} features, or null when it can.
   */
  public static String mismatch(List<String> expected, List<String> given, int featureCount) {
    if (expected == null) {
      return given.size() == featureCount ? null
          : given.size() + " feature names for the model's " + featureCount + " features";
    }
    if (expected.equals(given)) {
      return null;
    }
    Set<String> unknown = new LinkedHashSet<>(given);
    expected.forEach(unknown::remove);
    Set<String> missing = new LinkedHashSet<>(expected);
    given.forEach(missing::remove);
    if (unknown.isEmpty() && missing.isEmpty()) {
      for (int i = 0; i < Math.min(expected.size(), given.size()); i++) {
        if (!expected.get(i).equals(given.get(i))) {
          return "feature names in another order than the model's: '" + given.get(i) + "' at position " + i
              + ", where the model has '" + expected.get(i) + "'";
        }
      }
      return "feature names " + listed(given) + " differ from the model's " + listed(expected);
    }
    List<String> parts = new ArrayList<>();
    if (!unknown.isEmpty()) {
      parts.add("unknown " + quoted(unknown));
    }
    if (!missing.isEmpty()) {
      parts.add("missing " + quoted(missing));
    }
    return "feature names differ from the model's: " + String.join(", ", parts);
  }

  private static String quoted(Iterable<String> names) {
    List<String> quoted = new ArrayList<>();
    names.forEach(name -> quoted.add("'" + name + "'"));
    return listed(quoted);
  }

  private static String listed(List<String> names) {
    return names.size() <= LISTED ? String.join(", ", names)
        : String.join(", ", names.subList(0, LISTED)) + " and " + (names.size() - LISTED) + " more";
  }
}
