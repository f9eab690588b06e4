package io.batchwise.learner.stream;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.streams.KeyValue;

/**
 * One model's events that no checkpointed state includes yet, numbered in arrival order and kept in the
 * pending store in chunks of {@value #CHUNK_EVENTS}: each event rewrites its chunk, and the store's cache
 * collapses a chunk's rewrites between two commits into one changelog record. One record per event made
 * the changelog, not the learning, the bottleneck of the stream thread (docs/BENCHMARKS.md).
 *
 * <p>Sequence numbers: events below {@code checkpointed} are in the stored model state; those in
 * [checkpointed, learned) are in the in-memory model only; those from {@code learned} on are buffered.
 */
final class PendingEvents {
  static final int CHUNK_EVENTS = 32;

  private final String modelId;
  private long checkpointed;
  private long learned;
  private long next;
  /** {first sequence number, events} of each stored chunk, oldest first; the last one may still grow. */
  private final ArrayDeque<long[]> chunks = new ArrayDeque<>();
  private byte[] lastChunk = new byte[4096];
  private int lastChunkLength;

  PendingEvents(String modelId) {
    this.modelId = modelId;
  }

  /** After a restart: the stored state includes every event numbered below {@code learnedThrough}. */
  void restoreWatermark(long learnedThrough) {
    checkpointed = learned = next = Math.max(0, learnedThrough);
  }

  /**
   * Takes back one stored chunk (chunks come in key order, so in arrival order).
   *
   * @return the chunk's events not yet in the stored state, or null when it holds none (delete it)
   */
  List<byte[]> restoreChunk(String key, byte[] value) {
    long first = firstSequence(key);
    List<byte[]> events = decode(value);
    if (first + events.size() <= checkpointed) {
      return null;
    }
    chunks.addLast(new long[] {first, events.size()});
    lastChunk = Arrays.copyOf(value, Math.max(value.length, 4096));
    lastChunkLength = value.length;
    next = Math.max(next, first + events.size());
    int skip = (int) Math.max(0, checkpointed - first);
    return events.subList(skip, events.size());
  }

  /** Numbers a new event and returns its chunk's key and new value, to put in the pending store. */
  KeyValue<String, byte[]> append(byte[] event) {
    long[] last = chunks.peekLast();
    if (last == null || last[1] == CHUNK_EVENTS) {
      last = new long[] {next, 0};
      chunks.addLast(last);
      lastChunkLength = 0;
    }
    int needed = lastChunkLength + Integer.BYTES + event.length;
    if (needed > lastChunk.length) {
      lastChunk = Arrays.copyOf(lastChunk, Math.max(needed, lastChunk.length * 2));
    }
    ByteBuffer.wrap(lastChunk, lastChunkLength, Integer.BYTES).putInt(event.length);
    System.arraycopy(event, 0, lastChunk, lastChunkLength + Integer.BYTES, event.length);
    lastChunkLength = needed;
    last[1]++;
    next++;
    return KeyValue.pair(key(last[0]), Arrays.copyOf(lastChunk, lastChunkLength));
  }

  /** Every event numbered so far is now in the in-memory model. */
  void markAllLearned() {
    learned = next;
  }

  /** The number of the first event the in-memory model does not include: a checkpoint's watermark. */
  long learned() {
    return learned;
  }

  /** Records a checkpoint at {@link #learned()}; returns the keys of chunks it made obsolete, to delete. */
  List<String> checkpoint() {
    List<String> obsolete = new ArrayList<>();
    while (!chunks.isEmpty() && chunks.peekFirst()[0] + chunks.peekFirst()[1] <= learned) {
      obsolete.add(key(chunks.pollFirst()[0]));
    }
    checkpointed = learned;
    return obsolete;
  }

  private String key(long firstSequence) {
    String digits = Long.toString(firstSequence);  // zero-padded so that keys sort in arrival order
    return modelId + "/" + "0".repeat(19 - digits.length()) + digits;
  }

  static String modelIdOf(String key) {
    return key.substring(0, key.lastIndexOf('/'));
  }

  private static long firstSequence(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('/') + 1));
  }

  private static List<byte[]> decode(byte[] chunk) {
    List<byte[]> events = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(chunk);
    while (buffer.hasRemaining()) {
      byte[] event = new byte[buffer.getInt()];
      buffer.get(event);
      events.add(event);
    }
    return events;
  }
}
