package io.batchwise.learner.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class PendingEventsTest {
  private static byte[] event(int i) {
    return ("event-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A store as the processor keeps it: puts overwrite a chunk, checkpoints delete the obsolete ones. */
  private final TreeMap<String, byte[]> store = new TreeMap<>();

  private void append(PendingEvents events, int i) {
    KeyValue<String, byte[]> chunk = events.append(event(i));
    store.put(chunk.key, chunk.value);
  }

  @Test
  void chunksHoldEventsInOrderAndCheckpointsDropOnlyFullyLearnedChunks() {
    PendingEvents events = new PendingEvents("m");
    for (int i = 0; i < 70; i++) {
      append(events, i);
    }
    assertEquals(3, store.size(), "70 events in chunks of 32");
    events.markAllLearned();
    for (int i = 70; i < 75; i++) {
      append(events, i);  // arrive after the update, not learned
    }
    events.checkpoint().forEach(store::remove);
    assertEquals(1, store.size(), "the third chunk holds learned and unlearned events");
    assertEquals(70, events.learned());

    PendingEvents restored = new PendingEvents("m");
    restored.restoreWatermark(70);
    List<byte[]> unlearned = new ArrayList<>();
    store.forEach((key, value) -> unlearned.addAll(restored.restoreChunk(key, value)));
    assertEquals(5, unlearned.size());
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(event(70 + i), unlearned.get(i));
    }
    append(restored, 75);  // numbering and the open chunk carry on
    assertEquals(1, store.size());
    restored.markAllLearned();
    restored.checkpoint().forEach(store::remove);
    assertEquals(76, restored.learned());
    assertEquals(0, store.size(), "a chunk whose events are all learned goes, full or not");
    append(restored, 76);
    assertEquals("m/0000000000000000076", store.firstKey(), "the next event starts a new chunk");
  }

  @Test
  void aChunkWhollyBelowTheWatermarkIsObsolete() {
    PendingEvents events = new PendingEvents("m");
    for (int i = 0; i < 40; i++) {
      append(events, i);
    }
    PendingEvents restored = new PendingEvents("m");
    restored.restoreWatermark(32);
    List<String> keys = new ArrayList<>(store.keySet());
    assertNull(restored.restoreChunk(keys.get(0), store.get(keys.get(0))));
    assertEquals(8, restored.restoreChunk(keys.get(1), store.get(keys.get(1))).size());
  }
}
