package io.batchwise.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link LabelledEvent} in primitive arrays, filled by {@link EventDecoder} and reused from record to record,
 * so the learner's stream thread builds no object per feature value. Packed features arrive here as dense
 * values; sparse ones keep their index/value pairs. Decoders of other input formats fill it through
 * {@link #start}, {@link #denseValues}, {@link #finish} and {@link #featureNames(List)}.
 */
public final class DecodedEvent {
  private String modelId;
  private long eventTime;
  private double label;
  private double weight;
  private boolean sparse;
  private int size;
  private int count;
  private double[] values = new double[16];
  private int[] indices = new int[16];
  private List<String> featureNames;

  public String modelId() {
    return modelId;
  }

  /** When the example happened, ms since the epoch. */
  public long eventTime() {
    return eventTime;
  }

  public double label() {
    return label;
  }

  /** The example weight; 1 where the event gives none. */
  public double weight() {
    return weight;
  }

  /** True for sparse index/value pairs, false for dense values (array or packed). */
  public boolean sparse() {
    return sparse;
  }

  /** The length of the feature vector: the dense values' count, or the size a sparse vector declares. */
  public int size() {
    return size;
  }

  /** Values held: {@link #size()} when dense, the pairs when sparse. */
  public int count() {
    return count;
  }

  /** The values; only the first {@link #count()} are meaningful. */
  public double[] values() {
    return values;
  }

  /** The sparse indices; only the first {@link #count()} are meaningful, and only when {@link #sparse()}. */
  public int[] indices() {
    return indices;
  }

  /** The features' names in vector order, where the event gives them; else null. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Begins the next event: its model and time (0 where the input has none); it has no names until given. */
  public void start(String modelId, long eventTime) {
    this.modelId = modelId;
    this.eventTime = eventTime;
    this.featureNames = null;
  }

  public void finish(double label, double weight) {
    this.label = label;
    this.weight = weight;
  }

  /** Names the features (an unmodifiable list, in vector order). */
  public void featureNames(List<String> names) {
    this.featureNames = names;
  }

  /** Marks the view dense with {@code n} values, room made for them (keeping those already written). */
  public double[] denseValues(int n) {
    sparse = false;
    size = n;
    count = n;
    return ensureValues(n);
  }

  /** Marks the view sparse with {@code n} pairs of a vector of {@code size}, room made (keeping those written). */
  void sparsePairs(int size, int n) {
    sparse = true;
    this.size = size;
    count = n;
    ensureValues(n);
    if (indices.length < n) {
      indices = Arrays.copyOf(indices, Math.max(n, 2 * indices.length));
    }
  }

  private double[] ensureValues(int n) {
    if (values.length < n) {
      values = Arrays.copyOf(values, Math.max(n, 2 * values.length));
    }
    return values;
  }

  /** Fills the view from packed little-endian bytes ({@code remaining()} of them, from the buffer's position). */
  void packed(ValueEncoding encoding, ByteBuffer bytes) {
    int width = encoding == ValueEncoding.FLOAT32_LE ? Float.BYTES : Double.BYTES;
    if (bytes.remaining() % width != 0) {
      throw new IllegalArgumentException("packed " + encoding + " values of " + bytes.remaining()
          + " bytes are not a whole number of " + width + "-byte values");
    }
    int n = bytes.remaining() / width;
    double[] into = denseValues(n);
    ByteBuffer le = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
    if (width == Double.BYTES) {
      le.asDoubleBuffer().get(into, 0, n);
    } else {
      for (int i = 0; i < n; i++) {
        into[i] = le.getFloat(i * Float.BYTES);
      }
    }
  }

  /** Fills the view from a decoded Avro record (the path for writer schemas the fast decoder does not read). */
  public DecodedEvent set(LabelledEvent event) {
    start(event.getModelId(), event.getEventTime().toEpochMilli());
    Object features = event.getFeatures();
    if (features instanceof DenseFeatures dense) {
      List<Double> list = dense.getValues();
      double[] into = denseValues(list.size());
      for (int i = 0; i < list.size(); i++) {
        into[i] = list.get(i);
      }
    } else if (features instanceof SparseFeatures s) {
      int n = Math.min(s.getIndices().size(), s.getValues().size());
      if (s.getIndices().size() != s.getValues().size()) {
        throw new IllegalArgumentException("sparse features have " + s.getIndices().size() + " indices but "
            + s.getValues().size() + " values");
      }
      sparsePairs(s.getSize(), n);
      for (int i = 0; i < n; i++) {
        indices[i] = s.getIndices().get(i);
        values[i] = s.getValues().get(i);
      }
    } else if (features instanceof PackedFeatures p) {
      packed(p.getEncoding(), p.getValues().duplicate());
    } else {
      denseValues(0);
    }
    finish(event.getLabel(), event.getWeight() == null ? 1.0 : event.getWeight());
    featureNames(event.getFeatureNames() == null ? null : List.copyOf(event.getFeatureNames()));
    return this;
  }

  /** The features as a dense vector of {@link #size()} values (a copy). */
  public double[] toDense() {
    double[] dense = new double[size];
    if (sparse) {
      for (int i = 0; i < count; i++) {
        dense[indices[i]] = values[i];
      }
    } else {
      System.arraycopy(values, 0, dense, 0, count);
    }
    return dense;
  }

  @Override
  public String toString() {
    return "DecodedEvent[" + modelId + ", label " + label + ", weight " + weight + ", "
        + (sparse ? "sparse " + size + " " + Arrays.toString(Arrays.copyOf(indices, count)) : "dense") + " "
        + Arrays.toString(Arrays.copyOf(values, count)) + "]";
  }
}
