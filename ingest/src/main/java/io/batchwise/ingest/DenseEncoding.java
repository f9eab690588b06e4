package io.batchwise.ingest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.batchwise.schemas.DecodedEvent;
import io.batchwise.schemas.DenseFeatures;
import io.batchwise.schemas.LabelledEvent;
import io.batchwise.schemas.PackedFeatures;
import io.batchwise.schemas.ValueEncoding;

/**
 * How a producer writes dense features: packed little-endian bytes (the default, float64 so that values stay
 * exact; float32 halves the bytes where the model computes in float32 anyway) or an Avro array of doubles, which
 * every reader decodes into one object per value and costs a learner of wide events most of its time.
 */
public enum DenseEncoding {
  FLOAT64, FLOAT32, ARRAY;

  public static DenseEncoding parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dense encoding must be float64, float32 or array, got " + text);
    }
  }

  /** The features of {@code values} in this encoding. */
  public Object encode(double[] values) {
    if (this == ARRAY) {
      List<Double> list = new ArrayList<>(values.length);
      for (double v : values) {
        list.add(v);
      }
      return new DenseFeatures(list);
    }
    boolean float32 = this == FLOAT32;
    ByteBuffer bytes = ByteBuffer.allocate(values.length * (float32 ? Float.BYTES : Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    if (float32) {
      for (double v : values) {
        bytes.putFloat((float) v);
      }
    } else {
      bytes.asDoubleBuffer().put(values);
    }
    return new PackedFeatures(float32 ? ValueEncoding.FLOAT32_LE : ValueEncoding.FLOAT64_LE, bytes.rewind());
  }

  /** Rewrites the event's dense features in this encoding; sparse features and those already in it stay. */
  public void apply(LabelledEvent event) {
    Object features = event.getFeatures();
    boolean dense = features instanceof DenseFeatures || features instanceof PackedFeatures;
    if (dense && !in(features)) {
      event.setFeatures(encode(new DecodedEvent().set(event).toDense()));
    }
  }

  private boolean in(Object features) {
    if (features instanceof PackedFeatures p) {
      return p.getEncoding() == (this == FLOAT32 ? ValueEncoding.FLOAT32_LE : this == FLOAT64 ? ValueEncoding.FLOAT64_LE : null);
    }
    return this == ARRAY;
  }
}
