package io.batchwise.ingest;

import java.util.ArrayList;
import java.util.List;

import io.batchwise.schemas.SparseFeatures;

/** Builds the Avro feature records from primitive arrays: dense ones packed as float64 (see {@link DenseEncoding}). */
public final class Features {
  private Features() {
  }

  public static Object dense(double[] values) {
    return DenseEncoding.FLOAT64.encode(values);
  }

  /** {@code indices} strictly increasing in [0, size); {@code count} pairs are used. */
  public static SparseFeatures sparse(int size, int[] indices, double[] values, int count) {
    List<Integer> index = new ArrayList<>(count);
    List<Double> value = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      index.add(indices[i]);
      value.add(values[i]);
    }
    return new SparseFeatures(size, index, value);
  }
}
