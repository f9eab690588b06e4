package io.batchwise.app;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Runs a test class only where a Docker engine answers. Where none does, the build says so in one line
 * (Testcontainers' own probe would log an error with every strategy it tried; the test logging config
 * silences it).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerEngine.Condition.class)
@interface DockerEngine {

  final class Condition implements ExecutionCondition {
    private static Boolean available;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      if (!running()) {
        return ConditionEvaluationResult.disabled("no Docker engine runs");
      }
      return ConditionEvaluationResult.enabled("a Docker engine runs");
    }

    private static synchronized boolean running() {
      if (available == null) {
        available = DockerClientFactory.instance().isDockerAvailable();
        if (!available) {
          System.out.println("Docker tests skip: no Docker engine runs");
        }
      }
      return available;
    }
  }
}
