package io.batchwise.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.batchwise.app.broker.EmbeddedKafkaBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = "Runs a standalone single-node Apache Kafka broker (KRaft) on loopback until interrupted, "
        + "and prints its bootstrap address.")
final class BrokerCommand implements Callable<Integer> {
  @Option(names = "--port", defaultValue = "0", description = "Client port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--dir", description = "Data folder, kept between runs; default: a temporary folder removed on exit.")
  Path dir;

  @Option(names = "--override", paramLabel = "KEY=VALUE",
      description = "A broker property over the defaults (repeatable), e.g. log.segment.bytes=67108864; "
          + "by default segments have Kafka's default sizes.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new EmbeddedKafkaBroker.Options(port, dir, overrides,
        List.of()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "broker-shutdown"));
    System.out.println(broker.bootstrapServers());
    System.out.flush();
    stopped.await();
    return 0;
  }
}
