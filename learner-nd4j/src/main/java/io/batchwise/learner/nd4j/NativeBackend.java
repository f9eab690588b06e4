package io.batchwise.learner.nd4j;

import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native backend, loaded once. Its natives come in a jar per platform that the application chooses
 * (org.nd4j:nd4j-native with a classifier such as linux-x86_64); without the right one, the first mlp fails
 * with one line that says which jar is missing, instead of a stack of linkage errors.
 */
final class NativeBackend {
  /** Why the backend did not load, or null when it did. */
  private static final String FAILURE = load();

  private NativeBackend() {
  }

  /** @throws IllegalStateException when ND4J's natives for this platform are not on the classpath */
  static void require() {
    if (FAILURE != null) {
      throw new IllegalStateException(FAILURE);
    }
  }

  private static String load() {
    try {
      Nd4j.getBackend();
      return null;
    } catch (LinkageError | RuntimeException e) {
      String platform = Loader.getPlatform();
      return "model kind mlp needs ND4J's native libraries for " + platform + ": add org.nd4j:nd4j-native with classifier "
          + platform + " to the classpath (" + firstLine(rootCause(e)) + ")";
    }
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName()
        : message.lines().findFirst().orElse(message);
  }
}
