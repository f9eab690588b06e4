package io.batchwise.policy;

/** Builds a policy from its spec string, as given on the command line: {@code fixed:N}. */
public final class BatchingPolicies {
  private BatchingPolicies() {
  }

  public static BatchingPolicy parse(String spec, long maxWaitMillis) {
    String trimmed = spec.strip();
    String kind = trimmed.contains(":") ? trimmed.substring(0, trimmed.indexOf(':')) : trimmed;
    String args = trimmed.contains(":") ? trimmed.substring(trimmed.indexOf(':') + 1) : "";
    switch (kind) {
      case "fixed":
        try {
          return new FixedPolicy(Integer.parseInt(args), maxWaitMillis);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("fixed needs a batch size, as in fixed:32; got '" + spec + "'");
        }
      default:
        throw new IllegalArgumentException("unknown batching policy '" + spec + "' (known: fixed:N)");
    }
  }
}
