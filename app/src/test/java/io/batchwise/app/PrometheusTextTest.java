package io.batchwise.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The format checker the metrics tests rely on: it reads what the format allows and refuses what it does not. */
class PrometheusTextTest {
  @Test
  void readsEveryFormOfLineTheFormatAllows() {
    List<PrometheusText.Sample> samples = PrometheusText.parse("""
        # HELP requests_total Requests, with a \\\\ and a\\nnew line
        # TYPE requests_total counter
        requests_total{path="/a",code="200"} 1027 1395066363000
        requests_total{path="/b\\"q\\"",code="400",} 3
        # a comment
        
        # TYPE latency summary
        latency{quantile="0.99"} 0.5
        latency_sum 1.7e-3
        latency_count 2
        # TYPE temperature gauge
        temperature NaN
        temperature{place="outside"} -Inf
        untyped_metric +1.5E+2
        """);
    assertEquals(8, samples.size());
    assertEquals(Map.of("path", "/b\"q\"", "code", "400"), samples.get(1).labels());
    assertEquals(1.7e-3, samples.get(3).value());
    assertTrue(Double.isNaN(samples.get(5).value()));
    assertEquals(Double.NEGATIVE_INFINITY, samples.get(6).value());
    assertEquals(150.0, samples.get(7).value());
  }

  @Test
  void refusesWhatTheFormatDoesNot() {
    for (String text : List.of(
        "1metric 1\n",                                    // name starts with a digit
        "metric{a-b=\"x\"} 1\n",                          // label name with a dash
        "metric{a=\"x\\t\"} 1\n",                         // an escape the format does not have
        "metric{a=x} 1\n",                                // unquoted label value
        "metric{a=\"x\",a=\"y\"} 1\n",                    // a label twice
        "metric{__name__=\"x\"} 1\n",                     // a reserved label
        "metric one\n",                                   // not a number
        "metric 1 1.5\n",                                 // timestamp not an integer
        "metric 1",                                       // no final line feed
        "# TYPE metric gauge\n# TYPE metric gauge\nmetric 1\n",
        "# TYPE metric histogram\nmetric 1\n",            // a histogram has buckets, not a bare sample
        "# TYPE metric gauge\nmetric 1\nother 2\nmetric{a=\"b\"} 3\n",  // a family in two groups
        "metric 1\n# TYPE metric gauge\n",                // TYPE after the samples
        "# HELP metric a \\t tab\nmetric 1\n",           // a HELP escape the format does not have
        "# TYPE metric enum\nmetric 1\n",                 // no such type
        "metric{a=\"b\"} 1\nmetric{a=\"b\"} 2\n")) {    // a series twice
      assertThrows(AssertionError.class, () -> PrometheusText.parse(text), text);
    }
  }
}
