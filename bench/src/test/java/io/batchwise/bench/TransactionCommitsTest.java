package io.batchwise.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TransactionCommitsTest {
  private static final String BODY = """
      # HELP kafka_producer_txn_commit_time_ns_total The total time the producer has spent in commitTransaction
      # TYPE kafka_producer_txn_commit_time_ns_total counter
      kafka_producer_txn_commit_time_ns_total{client_id="a-producer",kafka_version="4.4.0"} 3.0E8
      kafka_producer_txn_commit_time_ns_total{client_id="b-producer",kafka_version="4.4.0"} 1.0E8
      kafka_producer_txn_send_offsets_time_ns_total{client_id="a-producer",kafka_version="4.4.0"} 6.0E8
      kafka_stream_thread_commit_total{thread_id="a-StreamThread-1"} 80.0
      kafka_stream_thread_commit_latency_avg{thread_id="a-StreamThread-1"} NaN
      kafka_stream_thread_commit_totalish{thread_id="a-StreamThread-1"} 5.0
      """;

  @Test
  void sumsEverySeriesOfAMetricAndNothingElse() {
    assertEquals(4.0e8, TransactionCommits.total(BODY, "kafka_producer_txn_commit_time_ns_total"));
    assertEquals(80.0, TransactionCommits.total(BODY, "kafka_stream_thread_commit_total"));
    assertEquals(0.0, TransactionCommits.total(BODY, "kafka_stream_thread_commit_latency_avg"), "NaN counts as none");
  }

  @Test
  void meanCommitTimeBetweenTwoReadings() {
    TransactionCommits later = new TransactionCommits(1.0e9, 80).plus(new TransactionCommits(2.0e8, 20));
    TransactionCommits between = later.minus(new TransactionCommits(2.0e8, 20));
    assertEquals(80, between.commits());
    assertEquals(1.0e9 / 80 / 1e6, between.millisPerCommit(), 1e-12);
    assertTrue(Double.isNaN(TransactionCommits.NONE.millisPerCommit()));
  }
}
