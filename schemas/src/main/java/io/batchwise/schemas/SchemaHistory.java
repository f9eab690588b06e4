package io.batchwise.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Earlier published versions of our schemas, kept as resources under {@code io/batchwise/schemas/history/}
 * and listed in {@code history/index.txt}. Every Serde registers them so old records keep reading after
 * a schema evolves: when a schema changes, copy its previous .avsc there and list it.
 */
public final class SchemaHistory {
  private static final String DIR = "/io/batchwise/schemas/history/";

  private SchemaHistory() {
  }

  /** Older versions of the named schema (full name, e.g. io.batchwise.schemas.LabelledEvent). */
  public static List<Schema> olderVersionsOf(String fullName) {
    List<Schema> result = new ArrayList<>();
    for (String file : index()) {
      Schema schema = parse(file);
      if (schema.getFullName().equals(fullName)) {
        result.add(schema);
      }
    }
    return result;
  }

  private static List<String> index() {
    try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + "index.txt")) {
      if (in == null) {
        return List.of();
      }
      List<String> files = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          files.add(trimmed);
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema parse(String file) {
    try (InputStream in = SchemaHistory.class.getResourceAsStream(DIR + file)) {
      if (in == null) {
        throw new IllegalStateException("Schema history lists " + file + " but it is not on the classpath");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
