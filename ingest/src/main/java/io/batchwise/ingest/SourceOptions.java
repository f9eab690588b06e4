package io.batchwise.ingest;

import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * How to read a file into events. Build with {@link #builder()}; every setting has a default.
 *
 * @param format             file format; default {@link Format#AUTO} (by extension)
 * @param modelId            the model id every event is keyed by; default {@code "default"}
 * @param labelColumn        CSV column / JSON field holding the label; default {@code "label"} (unused by LibSVM)
 * @param delimiter          CSV field separator; default {@code ','}
 * @param categorical        encoding of categorical CSV columns; default {@link CategoricalEncoding#ONE_HOT}
 * @param categoricalColumns CSV columns to treat as categorical; default empty = infer: a column is categorical
 *                           when most of its non-missing values in the file are not numbers
 * @param hashDimension      buckets for {@link CategoricalEncoding#HASHED}; default 1024
 * @param missingValues      policy for missing feature values; default {@link MissingValuePolicy#REJECT}
 * @param labelMapping       label conversion; default {@link LabelMapping#AUTO}
 * @param positiveLabel      when set, the label is 1 if the label field equals this text and 0 otherwise
 *                           (for labels like {@code UP/DOWN}); default null = labels are numbers
 * @param featureCount       LibSVM: the vector size (indices must be below it); JSON arrays: the required
 *                           length; default 0 = infer from the file (LibSVM: largest index + 1)
 * @param clock              stamps each event's time as it is read (files carry no time); default the UTC system clock
 * @param keyColumn          CSV column / JSON field whose text becomes each record's key instead of the model id, and
 *                           no feature (a user's own producer keying by, say, a customer id); default null = none
 */
public record SourceOptions(Format format, String modelId, String labelColumn, char delimiter,
    CategoricalEncoding categorical, Set<String> categoricalColumns, int hashDimension,
    MissingValuePolicy missingValues, LabelMapping labelMapping, String positiveLabel, int featureCount,
    Clock clock, String keyColumn) {

  public SourceOptions {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(labelColumn, "labelColumn");
    Objects.requireNonNull(categorical, "categorical");
    categoricalColumns = Set.copyOf(categoricalColumns);
    Objects.requireNonNull(missingValues, "missingValues");
    Objects.requireNonNull(labelMapping, "labelMapping");
    Objects.requireNonNull(clock, "clock");
    if (modelId.isEmpty()) {
      throw new IllegalArgumentException("model id must not be empty");
    }
    if (hashDimension < 1) {
      throw new IllegalArgumentException("hash dimension must be at least 1, got " + hashDimension);
    }
    if (featureCount < 0) {
      throw new IllegalArgumentException("feature count must be 0 (infer) or positive, got " + featureCount);
    }
    if (keyColumn != null && keyColumn.equals(labelColumn)) {
      throw new IllegalArgumentException("the key column '" + keyColumn + "' cannot be the label too");
    }
  }

  /** All defaults. */
  public static SourceOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder().format(format).modelId(modelId).labelColumn(labelColumn).delimiter(delimiter)
        .categorical(categorical).categoricalColumns(categoricalColumns).hashDimension(hashDimension)
        .missingValues(missingValues).labelMapping(labelMapping).positiveLabel(positiveLabel)
        .featureCount(featureCount).clock(clock).keyColumn(keyColumn);
  }

  /** Builder for {@link SourceOptions}; starts with every default. */
  public static final class Builder {
    private Format format = Format.AUTO;
    private String modelId = "default";
    private String labelColumn = "label";
    private char delimiter = ',';
    private CategoricalEncoding categorical = CategoricalEncoding.ONE_HOT;
    private Set<String> categoricalColumns = Set.of();
    private int hashDimension = 1024;
    private MissingValuePolicy missingValues = MissingValuePolicy.REJECT;
    private LabelMapping labelMapping = LabelMapping.AUTO;
    private String positiveLabel;
    private int featureCount;
    private Clock clock = Clock.systemUTC();
    private String keyColumn;

    private Builder() {
    }

    public Builder format(Format value) {
      this.format = value;
      return this;
    }

    public Builder modelId(String value) {
      this.modelId = value;
      return this;
    }

    public Builder labelColumn(String value) {
      this.labelColumn = value;
      return this;
    }

    public Builder delimiter(char value) {
      this.delimiter = value;
      return this;
    }

    public Builder categorical(CategoricalEncoding value) {
      this.categorical = value;
      return this;
    }

    public Builder categoricalColumns(Set<String> value) {
      this.categoricalColumns = value;
      return this;
    }

    public Builder hashDimension(int value) {
      this.hashDimension = value;
      return this;
    }

    public Builder missingValues(MissingValuePolicy value) {
      this.missingValues = value;
      return this;
    }

    public Builder labelMapping(LabelMapping value) {
      this.labelMapping = value;
      return this;
    }

    public Builder positiveLabel(String value) {
      this.positiveLabel = value;
      return this;
    }

    public Builder featureCount(int value) {
      this.featureCount = value;
      return this;
    }

    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    public Builder keyColumn(String value) {
      this.keyColumn = value;
      return this;
    }

    public SourceOptions build() {
      return new SourceOptions(format, modelId, labelColumn, delimiter, categorical, categoricalColumns,
          hashDimension, missingValues, labelMapping, positiveLabel, featureCount, clock, keyColumn);
    }
  }
}
