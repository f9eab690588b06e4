package io.batchwise.ingest.file;

import java.nio.charset.StandardCharsets;

/**
 * Signed feature hashing (Weinberger et al. 2009): a feature name goes to bucket {@code h1(name) mod D} with
 * sign {@code +1} or {@code -1} from an independent hash {@code h2}, so collisions cancel in expectation.
 * Both hashes are MurmurHash3 x86_32 of the name's UTF-8 bytes (different seeds): stable across JVMs and runs.
 */
final class FeatureHashing {
  private static final int BUCKET_SEED = 0x9747b28c;
  private static final int SIGN_SEED = 0x5bd1e995;

  private final int dimension;

  FeatureHashing(int dimension) {
    this.dimension = dimension;
  }

  int bucket(String name) {
    return Math.floorMod(murmur3(name.getBytes(StandardCharsets.UTF_8), BUCKET_SEED), dimension);
  }

  double sign(String name) {
    return (murmur3(name.getBytes(StandardCharsets.UTF_8), SIGN_SEED) & 1) == 0 ? 1.0 : -1.0;
  }

  /** MurmurHash3 x86_32 (Austin Appleby, public domain reference implementation). */
  static int murmur3(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h = seed;
    int blocks = data.length / 4;
    for (int b = 0; b < blocks; b++) {
      int i = b * 4;
      int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
      k *= c1;
      k = Integer.rotateLeft(k, 15);
      k *= c2;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
    }
    int tail = blocks * 4;
    int k = 0;
    switch (data.length & 3) {
      case 3:
        k ^= (data[tail + 2] & 0xff) << 16;
        // fall through
      case 2:
        k ^= (data[tail + 1] & 0xff) << 8;
        // fall through
      case 1:
        k ^= data[tail] & 0xff;
        k *= c1;
        k = Integer.rotateLeft(k, 15);
        k *= c2;
        h ^= k;
        break;
      default:
        break;
    }
    h ^= data.length;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
