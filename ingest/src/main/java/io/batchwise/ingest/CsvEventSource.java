package io.batchwise.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;

/**
 * A CSV file with a header: the label column by name, every other column a numeric feature.
 * A row with the wrong number of cells, a value that is not a finite number, or no label is rejected
 * with the reason and its line number; the rest of the file goes on.
 */
public final class CsvEventSource implements EventSource {
  private final Path file;
  private final SourceOptions options;
  private final BufferedReader reader;
  private final int labelIndex;
  private final int columns;
  private final String eventIdPrefix;
  private long line = 1;

  public CsvEventSource(Path file, SourceOptions options) {
    this.file = file;
    this.options = options;
    try {
      this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
      String header = reader.readLine();
      if (header == null) {
        throw new IllegalArgumentException(file + " is empty: expected a CSV header");
      }
      List<String> names = new ArrayList<>();
      for (String name : header.split(",", -1)) {
        names.add(name.strip());
      }
      this.labelIndex = names.indexOf(options.labelColumn());
      if (labelIndex < 0) {
        throw new IllegalArgumentException(file + " has no column '" + options.labelColumn() + "' (columns: "
            + String.join(", ", names) + ")");
      }
      this.columns = names.size();
      this.eventIdPrefix = file.getFileName() + ":";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public SourceRow next() {
    String text;
    try {
      text = reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (text == null) {
      return null;
    }
    line++;
    String[] cells = text.split(",", -1);
    if (cells.length != columns) {
      return reject(text, "expected " + columns + " cells, got " + cells.length);
    }
    List<Double> features = new ArrayList<>(columns - 1);
    double label = Double.NaN;
    for (int i = 0; i < cells.length; i++) {
      String cell = cells[i].strip();
      double value;
      try {
        value = Double.parseDouble(cell);
      } catch (NumberFormatException e) {
        return reject(text, (i == labelIndex ? "label" : "column " + (i + 1)) + " is not a number: '" + cell + "'");
      }
      if (!Double.isFinite(value)) {
        return reject(text, (i == labelIndex ? "label" : "column " + (i + 1)) + " is " + value);
      }
      if (i == labelIndex) {
        label = value;
      } else {
        features.add(value);
      }
    }
    LabelledEvent event = LabelledEvent.newBuilder()
        .setModelId(options.modelId())
        .setEventId(eventIdPrefix + line)
        .setEventTime(Instant.now())
        .setFeatures(new DenseFeatures(features))
        .setLabel(label)
        .build();
    return new SourceRow.Valid(event, line);
  }

  private SourceRow reject(String text, String reason) {
    return new SourceRow.Rejected(line, reason, text.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String description() {
    return file.toString();
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
