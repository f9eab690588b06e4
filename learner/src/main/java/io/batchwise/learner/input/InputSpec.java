package io.batchwise.learner.input;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How to read the events topic: its format and, for JSON and CSV records, which field is the label, which are
 * the features and which names the model.
 *
 * @param format     what the records are
 * @param label      the label's field (JSON) or column (CSV); empty for Avro
 * @param features   the feature fields or columns in vector order; empty: every numeric JSON field (in the order
 *                   of their names) or every CSV column but the label and the model's
 * @param modelField the field or column holding the model id; empty for none
 * @param modelId    the model of every record; empty for none (then the model field, else the record's key)
 * @param columns    the CSV columns' names in order; empty: they are named by position, 1, 2, ...
 */
public record InputSpec(InputFormat format, String label, List<String> features, String modelField, String modelId,
    List<String> columns) {

  public InputSpec {
    features = List.copyOf(features);
    columns = List.copyOf(columns);
  }

  public static InputSpec avro() {
    return new InputSpec(InputFormat.AVRO, "", List.of(), "", "", List.of());
  }

  /**
   * Why these settings cannot read a topic, in one line naming the setting (its config key, from {@code keys}),
   * or null when they can.
   */
  public String problem(Keys keys) {
    if (format == InputFormat.AVRO) {
      for (String[] given : new String[][] {{keys.label(), label}, {keys.features(), String.join(",", features)},
          {keys.modelField(), modelField}, {keys.modelId(), modelId}, {keys.columns(), String.join(",", columns)}}) {
        if (!given[1].isEmpty()) {
          return given[0] + " applies to json and csv input only: Avro events carry their label, features and model";
        }
      }
      return null;
    }
    if (label.isEmpty()) {
      return format.name().toLowerCase(java.util.Locale.ROOT) + " input needs the label's " + (format == InputFormat.CSV ? "column" : "field")
          + " (" + keys.label() + ")";
    }
    if (!modelField.isEmpty() && !modelId.isEmpty()) {
      return "give the model's field (" + keys.modelField() + ") or a fixed model id (" + keys.modelId() + "), not both";
    }
    if (format == InputFormat.JSON && !columns.isEmpty()) {
      return keys.columns() + " applies to csv input only: JSON fields have names";
    }
    Set<String> seen = new HashSet<>();
    for (String feature : features) {
      if (!seen.add(feature)) {
        return "feature '" + feature + "' is listed twice (" + keys.features() + ")";
      }
      if (feature.equals(label) || feature.equals(modelField)) {
        return "'" + feature + "' cannot be both a feature and the " + (feature.equals(label) ? "label" : "model field");
      }
    }
    if (format == InputFormat.CSV) {
      if (new HashSet<>(columns).size() < columns.size()) {
        return "a column is named twice in " + keys.columns();
      }
      for (String field : referenced()) {
        if (columns.isEmpty() ? !isPosition(field) : !columns.contains(field)) {
          return columns.isEmpty() ? "'" + field + "' is not a column position (1, 2, ...): name the columns with "
              + keys.columns() + " to use names" : "'" + field + "' is not one of the columns " + columns
              + " (" + keys.columns() + ")";
        }
      }
    }
    return null;
  }

  /** The fields these settings name: the features, the label and the model's. */
  private List<String> referenced() {
    List<String> all = new ArrayList<>(features);
    all.add(label);
    if (!modelField.isEmpty()) {
      all.add(modelField);
    }
    return all;
  }

  private static boolean isPosition(String field) {
    try {
      return Integer.parseInt(field) >= 1;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The columns' names: as given, else their positions 1..n. */
  List<String> columnNames(int n) {
    if (!columns.isEmpty()) {
      return columns;
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      names.add(String.valueOf(i));
    }
    return names;
  }

  /** A decoder of these records. */
  public InputDecoder newDecoder() {
    return switch (format) {
      case AVRO -> new AvroInput();
      case JSON -> new JsonInput(this);
      case CSV -> new CsvInput(this);
    };
  }

  /** The config keys of each setting, for the problems' words. */
  public record Keys(String label, String features, String modelField, String modelId, String columns) {
  }
}
