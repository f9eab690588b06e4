package io.batchwise.policy;

import java.nio.BufferUnderflowException;
import java.nio.DoubleBuffer;

/**
 * What a policy has learned about the stream, so that a restarted learner resumes where it stopped. The learner's
 * checkpoint carries it as the numbers {@link #encode()} gives: the policy's tag, then the record's fields in order.
 */
public sealed interface PolicyState permits PolicyState.Empty, GoodputPolicy.State, NormTestPolicy.State {
  /** The state of a policy that learns nothing (fixed), or of one that has not started. */
  PolicyState EMPTY = new Empty();

  double[] encode();

  /** The state {@link #encode()} gave; an empty array is {@link #EMPTY}. */
  static PolicyState decode(double[] values) {
    if (values.length == 0) {
      return EMPTY;
    }
    DoubleBuffer in = DoubleBuffer.wrap(values);
    double tag = in.get();
    PolicyState state;
    try {
      if (tag == GoodputPolicy.State.TAG) {
        state = GoodputPolicy.State.readFrom(in);
      } else if (tag == NormTestPolicy.State.TAG) {
        state = NormTestPolicy.State.readFrom(in);
      } else {
        throw new IllegalArgumentException("not a batching policy's state: unknown tag " + tag);
      }
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("a batching policy's state cut short: " + values.length + " values");
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("a batching policy's state with " + in.remaining() + " values too many");
    }
    return state;
  }

  /** The numbers of a state: its tag, then what {@code fields} writes. */
  static double[] encode(double tag, java.util.function.Consumer<DoubleBuffer> fields) {
    DoubleBuffer out = DoubleBuffer.allocate(256);
    out.put(tag);
    fields.accept(out);
    double[] values = new double[out.position()];
    out.flip().get(values);
    return values;
  }

  record Empty() implements PolicyState {
    @Override
    public double[] encode() {
      return new double[0];
    }
  }
}
