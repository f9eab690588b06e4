package io.batchwise.learner.stream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.batchwise.learner.model.ModelState;
import io.batchwise.schemas.PackedStandardizer;
import io.batchwise.schemas.PackedValues;
import io.batchwise.schemas.ValueEncoding;

/**
 * double[] to and from Avro {@code bytes}, little-endian, one bulk copy each way: a checkpoint of the 784-d MLP
 * holds about 330k numbers, which as an Avro {@code array<double>} would be as many boxed objects each way.
 */
final class PackedArrays {
  private PackedArrays() {
  }

  /** Packs the values, rounded to float32 when {@code float32} (for state a model only computes with in float32). */
  static PackedValues pack(double[] values, boolean float32) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * (float32 ? Float.BYTES : Double.BYTES))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (float32) {
      for (double v : values) {
        bytes.putFloat((float) v);
      }
    } else {
      bytes.asDoubleBuffer().put(values);
    }
    return new PackedValues(float32 ? ValueEncoding.FLOAT32_LE : ValueEncoding.FLOAT64_LE, bytes.rewind());
  }

  static double[] unpack(PackedValues packed) {
    ByteBuffer bytes = packed.getValues().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (packed.getEncoding() == ValueEncoding.FLOAT32_LE) {
      double[] values = new double[bytes.remaining() / Float.BYTES];
      for (int i = 0; i < values.length; i++) {
        values[i] = bytes.getFloat();
      }
      return values;
    }
    double[] values = new double[bytes.remaining() / Double.BYTES];
    bytes.asDoubleBuffer().get(values);
    return values;
  }

  /** Feature statistics packed as a checkpoint keeps them (float64: counts and sums of squares lose too much in float32); null stays null. */
  static PackedStandardizer pack(ModelState.Standardization s) {
    return s == null ? null : new PackedStandardizer(s.count(), pack(s.mean(), false), pack(s.m2(), false));
  }

  static ModelState.Standardization unpack(PackedStandardizer s) {
    return s == null ? null : new ModelState.Standardization(s.getCount(), unpack(s.getMean()), unpack(s.getM2()));
  }
}
