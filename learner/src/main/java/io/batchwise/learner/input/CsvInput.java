package io.batchwise.learner.input;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.batchwise.schemas.DecodedEvent;

/**
 * CSV lines as events, one a record (RFC 4180 quotes, comma-separated): the label's column, the listed feature
 * columns in their order or every column but the label's and the model's, and the model from its column, a fixed
 * id or the record's key. Columns are named by input.csv.columns, else by position (1, 2, ...); named columns
 * name the features. Every feature cell must be a number: one that is not is said, with its column, in the dead
 * letter.
 */
final class CsvInput implements InputDecoder {
  private final InputSpec spec;
  private final List<String> names;
  private final int labelColumn;
  private final int modelColumn;
  /** The feature columns, when they are known before a line is read (listed, or named columns). */
  private final int[] featureColumns;
  private final List<String> cells = new ArrayList<>();
  private final StringBuilder cell = new StringBuilder();

  CsvInput(InputSpec spec) {
    this.spec = spec;
    List<String> columns = spec.columns();
    this.labelColumn = column(spec.label());
    this.modelColumn = spec.modelField().isEmpty() ? -1 : column(spec.modelField());
    if (!spec.features().isEmpty()) {
      featureColumns = spec.features().stream().mapToInt(this::column).toArray();
    } else if (!columns.isEmpty()) {
      List<Integer> rest = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        if (c != labelColumn && c != modelColumn) {
          rest.add(c);
        }
      }
      featureColumns = rest.stream().mapToInt(Integer::intValue).toArray();
    } else {
      featureColumns = null;  // every column of each line but the label's and the model's
    }
    List<String> named = new ArrayList<>();
    if (!columns.isEmpty()) {
      for (int c : featureColumns) {
        named.add(columns.get(c));
      }
    }
    this.names = columns.isEmpty() ? null : List.copyOf(named);
  }

  /** The 0-based index of a column given by name, or by 1-based position where the columns have no names. */
  private int column(String field) {
    return spec.columns().isEmpty() ? Integer.parseInt(field) - 1 : spec.columns().indexOf(field);
  }

  private String columnName(int c) {
    return spec.columns().isEmpty() ? "column " + (c + 1) : "column '" + spec.columns().get(c) + "'";
  }

  @Override
  public DecodedEvent decode(String topic, byte[] key, byte[] value, DecodedEvent into) {
    String model = JsonInput.model(spec, key);
    if (value == null) {
      throw new UndecodableInput("empty value (null)", model);
    }
    String line = new String(value, StandardCharsets.UTF_8).stripTrailing();
    if (!split(line)) {
      throw new UndecodableInput("unclosed quote", model);
    }
    int expected = spec.columns().isEmpty() ? Math.max(labelColumn, modelColumn) + 1 : spec.columns().size();
    if (spec.columns().isEmpty() ? cells.size() < expected : cells.size() != expected) {
      throw new UndecodableInput("expected " + (spec.columns().isEmpty() ? "at least " : "") + expected
          + " columns, found " + cells.size(), model);
    }
    if (modelColumn >= 0) {
      model = cells.get(modelColumn).strip();
      if (model.isEmpty()) {
        throw new UndecodableInput("the model's " + columnName(modelColumn) + " is empty", null);
      }
    }
    if (model == null) {
      throw new UndecodableInput("no model: the record has no key", null);
    }
    double label = number(labelColumn, "the label's ", model);
    int n = featureColumns != null ? featureColumns.length
        : cells.size() - 1 - (modelColumn >= 0 && modelColumn != labelColumn ? 1 : 0);
    double[] x = into.denseValues(n);
    if (featureColumns != null) {
      for (int i = 0; i < n; i++) {
        if (featureColumns[i] >= cells.size()) {
          throw new UndecodableInput("no " + columnName(featureColumns[i]) + ": the line has " + cells.size()
              + " columns", model);
        }
        x[i] = number(featureColumns[i], "", model);
      }
    } else {
      int i = 0;
      for (int c = 0; c < cells.size(); c++) {
        if (c != labelColumn && c != modelColumn) {
          x[i++] = number(c, "", model);
        }
      }
    }
    into.start(model, 0);
    into.finish(label, 1.0);
    into.featureNames(names);
    return into;
  }

  private double number(int c, String what, String model) {
    String text = cells.get(c).strip();
    if (text.isEmpty()) {
      throw new UndecodableInput(what + columnName(c) + " is empty", model);
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new UndecodableInput(what + columnName(c) + " is \"" + (text.length() > 20 ? text.substring(0, 20) + "..."
          : text) + "\", not a number", model);
    }
  }

  /** Splits a line into {@link #cells} at commas outside double quotes ("" is a quote); false for an unclosed quote. */
  private boolean split(String line) {
    cells.clear();
    cell.setLength(0);
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    cells.add(cell.toString());
    return !quoted;
  }
}
