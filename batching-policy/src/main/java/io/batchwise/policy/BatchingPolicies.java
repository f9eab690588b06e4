package io.batchwise.policy;

/**
 * Builds a policy from its spec string, as given on the command line:
 * <ul>
 *   <li>{@code fixed:N}: always N examples, learning rate as tuned;</li>
 *   <li>{@code goodput} or {@code goodput:key=value,...} (the default): see {@link GoodputConfig} for every
 *       key and its default;</li>
 *   <li>{@code normtest} or {@code normtest:key=value,...}: Byrd et al.'s norm test, see {@link NormTestPolicy}.</li>
 * </ul>
 */
public final class BatchingPolicies {
  /** The policy used when none is configured. */
  public static final String DEFAULT_SPEC = "goodput";

  private BatchingPolicies() {
  }

  /** Parses {@code spec} for an SGD-like optimizer (the learning-rate coupling defaults to AdaScale). */
  public static BatchingPolicy parse(String spec, long maxWaitMillis) {
    return parse(spec, maxWaitMillis, "sgd");
  }

  /**
   * Parses {@code spec}; {@code optimizerSpec} (e.g. {@code sgd:0.1}, {@code adam:0.001}) picks the default
   * learning-rate coupling when the spec has no {@code lr=} key: AdaScale for SGD, sqrt for Adam.
   */
  public static BatchingPolicy parse(String spec, long maxWaitMillis, String optimizerSpec) {
    return parse(spec, maxWaitMillis, optimizerSpec, 0);
  }

  /**
   * As {@link #parse(String, long, String)}, told the bytes one example of a batch costs the learner (0: unknown),
   * so that goodput's memory budget bounds the batch without the user's help.
   */
  public static BatchingPolicy parse(String spec, long maxWaitMillis, String optimizerSpec, long bytesPerExample) {
    String trimmed = spec.strip();
    int colon = trimmed.indexOf(':');
    String kind = colon >= 0 ? trimmed.substring(0, colon) : trimmed;
    String args = colon >= 0 ? trimmed.substring(colon + 1) : "";
    switch (kind) {
      case "fixed":
        try {
          return new FixedPolicy(Integer.parseInt(args.strip()), maxWaitMillis);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("fixed needs a batch size, as in fixed:32; got '" + spec + "'");
        }
      case "goodput":
        return new GoodputPolicy(GoodputConfig.parse(args, maxWaitMillis, optimizerSpec, bytesPerExample));
      case "normtest":
        return NormTestPolicy.parse(args, maxWaitMillis, optimizerSpec);
      default:
        throw new IllegalArgumentException("unknown batching policy '" + spec + "' (known: fixed:N, goodput[:key=value,...], normtest[:key=value,...])");
    }
  }
}
