package io.batchwise.app.serve;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that fails with {@link TooLarge} as soon as it has given more than its limit. */
final class BoundedBody extends FilterInputStream {
  /** The body went past the limit: reading stopped there. */
  static final class TooLarge extends IOException {
    TooLarge(long limit) {
      super("request body over the limit of " + limit + " bytes (" + ServeConfig.MAX_BODY_BYTES + ")");
    }
  }

  private final long limit;
  private long read;

  BoundedBody(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, (int) Math.min(length, limit - read + 1));
    if (n > 0) {
      count(n);
    }
    return n;
  }

  private void count(int n) throws TooLarge {
    read += n;
    if (read > limit) {
      throw new TooLarge(limit);
    }
  }
}
