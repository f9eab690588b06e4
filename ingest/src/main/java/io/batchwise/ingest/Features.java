package io.batchwise.ingest;

import java.util.ArrayList;
import java.util.List;

import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.SparseFeatures;

/** Builds the Avro feature records from primitive arrays. */
public final class Features {
  private Features() {
  }

  public static DenseFeatures dense(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return new DenseFeatures(list);
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
