package io.batchwise.learner.model;

import java.util.Arrays;

/**
 * A micro-batch of labelled examples in dense row-major form. The buffers grow as needed and are
 * reused after {@link #clear()}, so the stream thread allocates nothing per event once warm.
 */
public final class MicroBatch {
  private final int featureCount;
  private int size;
  private double[] features;
  private double[] labels;
  private double[] weights;

  public MicroBatch(int featureCount, int initialCapacity) {
    if (featureCount < 1) {
      throw new IllegalArgumentException("feature count must be at least 1, got " + featureCount);
    }
    int capacity = Math.max(1, initialCapacity);
    this.featureCount = featureCount;
    this.features = new double[capacity * featureCount];
    this.labels = new double[capacity];
    this.weights = new double[capacity];
  }

  public void clear() {
    size = 0;
  }

  /** Appends a dense row (copied). */
  public void add(double[] row, double label, double weight) {
    if (row.length != featureCount) {
      throw new IllegalArgumentException("expected " + featureCount + " features, got " + row.length);
    }
    add(row, 0, label, weight);
  }

  /** Appends the {@code featureCount()} values of {@code values} from {@code offset} on (copied). */
  public void add(double[] values, int offset, double label, double weight) {
    ensureCapacity(size + 1);
    System.arraycopy(values, offset, features, size * featureCount, featureCount);
    labels[size] = label;
    weights[size] = weight;
    size++;
  }

  private void ensureCapacity(int rows) {
    if (rows > labels.length) {
      int capacity = Math.max(rows, labels.length * 2);
      features = Arrays.copyOf(features, capacity * featureCount);
      labels = Arrays.copyOf(labels, capacity);
      weights = Arrays.copyOf(weights, capacity);
    }
  }

  public int size() {
    return size;
  }

  public int featureCount() {
    return featureCount;
  }

  /** Row-major features; only the first {@code size() * featureCount()} entries are meaningful. */
  public double[] features() {
    return features;
  }

  /** Labels; only the first {@code size()} entries are meaningful. */
  public double[] labels() {
    return labels;
  }

  /** Example weights; only the first {@code size()} entries are meaningful. */
  public double[] weights() {
    return weights;
  }
}
