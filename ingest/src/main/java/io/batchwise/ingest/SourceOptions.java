package io.batchwise.ingest;

/**
 * How a file becomes events.
 *
 * @param labelColumn the CSV column holding the label (default {@code label})
 * @param modelId     model id every event is keyed by (default {@code default})
 */
public record SourceOptions(String labelColumn, String modelId) {
  public static final String DEFAULT_LABEL_COLUMN = "label";
  public static final String DEFAULT_MODEL_ID = "default";

  public SourceOptions {
    labelColumn = labelColumn == null ? DEFAULT_LABEL_COLUMN : labelColumn;
    modelId = modelId == null ? DEFAULT_MODEL_ID : modelId;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private String labelColumn;
    private String modelId;

    public Builder labelColumn(String labelColumn) {
      this.labelColumn = labelColumn;
      return this;
    }

    public Builder modelId(String modelId) {
      this.modelId = modelId;
      return this;
    }

    public SourceOptions build() {
      return new SourceOptions(labelColumn, modelId);
    }
  }
}
