package io.batchwise.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A learner's exactly-once commits so far, read from its Prometheus endpoint ({@code learn --http-port}): the time its
 * transactional producer spent in them (sending the consumed offsets into the transaction, then committing it, which
 * flushes the records first) and how many the stream thread made. Kafka Streams commits on the stream thread, so the
 * mean between two readings is how long a commit holds the learner up: what {@code bench parallel} charges for the
 * commit a learner asks for after a delta or a merged version.
 *
 * @param nanos   time in {@code sendOffsetsToTransaction} and {@code commitTransaction}
 * @param commits the stream thread's commits
 */
record TransactionCommits(double nanos, double commits) {
  static final TransactionCommits NONE = new TransactionCommits(0, 0);

  /** The totals of every client of the learner at {@code endpoint} (its base URI). */
  static TransactionCommits read(HttpClient http, URI endpoint) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(endpoint.resolve("metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new TransactionCommits(total(body, "kafka_producer_txn_commit_time_ns_total")
        + total(body, "kafka_producer_txn_send_offsets_time_ns_total"), total(body, "kafka_stream_thread_commit_total"));
  }

  /** The sum of a metric's series in Prometheus' text format. */
  static double total(String body, String metric) {
    double sum = 0;
    for (String line : body.split("\n")) {
      if (line.startsWith(metric + "{") || line.startsWith(metric + " ")) {
        double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        if (Double.isFinite(value)) {
          sum += value;
        }
      }
    }
    return sum;
  }

  TransactionCommits plus(TransactionCommits other) {
    return new TransactionCommits(nanos + other.nanos, commits + other.commits);
  }

  TransactionCommits minus(TransactionCommits earlier) {
    return new TransactionCommits(nanos - earlier.nanos, commits - earlier.commits);
  }

  /** Mean ms a commit took; NaN without one. */
  double millisPerCommit() {
    return commits > 0 ? nanos / commits / 1e6 : Double.NaN;
  }
}
