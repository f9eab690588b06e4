package io.batchwise.learner.model;

import io.batchwise.learner.loss.LossKind;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import io.batchwise.learner.loss.HuberLoss;
import io.batchwise.learner.loss.LogLoss;
import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.loss.SquaredLoss;
import io.batchwise.learner.optim.Optimizer;
import io.batchwise.policy.SpecNumbers;

/**
 * Builds models from their spec strings ({@link ModelSpec}: {@code logistic}, {@code linear},
 * {@code linear:huber}, {@code softmax:K}, {@code mlp:128,64}, {@code mlp:128,64:classes=10}, ...) and
 * restores them from exported state, so that a restored model predicts exactly as the original. The linear
 * models are built in; other kinds (the mlp) come from the {@link ModelKind}s on the classpath.
 */
public final class ModelFactory {
  private static final Set<String> BUILT_IN = Set.of("logistic", "linear", "softmax");
  /** The module that provides each kind that is not built in, for the error when it is missing. */
  private static final Map<String, String> PROVIDING_MODULE = Map.of("mlp", "io.batchwise:batchwise-learner-nd4j");

  private ModelFactory() {
  }

  /** The provided kinds, by name, looked up once. */
  private static final class Provided {
    static final Map<String, ModelKind> KINDS = load();

    private static Map<String, ModelKind> load() {
      Map<String, ModelKind> kinds = new HashMap<>();
      for (ModelKind kind : ServiceLoader.load(ModelKind.class, ModelKind.class.getClassLoader())) {
        kinds.put(kind.name(), kind);
      }
      return Map.copyOf(kinds);
    }
  }

  /**
   * The provider of a kind that is not built in.
   *
   * @throws IllegalStateException when no module on the classpath provides it
   */
  private static ModelKind provided(String kind) {
    ModelKind provider = Provided.KINDS.get(kind);
    if (provider == null) {
      throw new IllegalStateException("model kind " + kind + " needs " + PROVIDING_MODULE.getOrDefault(kind,
          "the module that provides it") + " on the classpath");
    }
    return provider;
  }

  /** A model with the kind's default optimizer and the {@link ModelConfig#DEFAULTS}. */
  public static OnlineModel create(String modelSpec, int featureCount) {
    return create(modelSpec, ModelConfig.DEFAULTS, featureCount);
  }

  /** A model with the given optimizer spec (null or blank: the kind's default), other settings default. */
  public static OnlineModel create(String modelSpec, String optimizerSpec, int featureCount) {
    return create(modelSpec, ModelConfig.DEFAULTS.withOptimizer(optimizerSpec), featureCount);
  }

  /** A model with {@code config}; options written in the spec override it. */
  public static OnlineModel create(String modelSpec, ModelConfig config, int featureCount) {
    ModelSpec spec = ModelSpec.parse(modelSpec);
    ModelConfig c = spec.applyTo(config);
    Optimizer optimizer = Optimizer.parse(c.optimizerFor(spec.kind(), featureCount));
    Standardizer standardizer = c.standardize() ? new Standardizer(featureCount) : null;
    return build(spec, c, featureCount, optimizer, standardizer);
  }

  /** Rebuilds a model from exported state: parameters, optimizer slots and feature statistics. */
  public static OnlineModel restore(ModelState state) {
    ModelSpec spec = ModelSpec.parse(state.spec());
    if (!spec.kind().equals(state.kind())) {
      throw new IllegalArgumentException("state kind " + state.kind() + " does not match its spec " + state.spec());
    }
    ModelConfig c = spec.applyTo(ModelConfig.DEFAULTS).withStandardize(state.standardizer() != null);
    Optimizer optimizer = Optimizer.parse(state.optimizerSpec());
    Standardizer standardizer = state.standardizer() == null ? null : Standardizer.of(state.standardizer());
    if (standardizer != null && standardizer.featureCount() != state.featureCount()) {
      throw new IllegalArgumentException("standardizer has " + standardizer.featureCount() + " features, state "
          + state.featureCount());
    }
    if (!BUILT_IN.contains(spec.kind())) {
      return provided(spec.kind()).restore(spec, c, state, optimizer, standardizer);
    }
    OnlineModel model = build(spec, c, state.featureCount(), optimizer, standardizer);
    if (model instanceof GeneralizedLinearModel glm) {
      glm.importState(state);
    } else if (model instanceof SoftmaxRegression softmax) {
      softmax.importState(state);
    }
    return model;
  }

  private static OnlineModel build(ModelSpec spec, ModelConfig c, int d, Optimizer optimizer,
      Standardizer standardizer) {
    switch (spec.kind()) {
      case "logistic": {
        noShape(spec);
        return new LogisticRegression(ModelSpec.canonical("logistic", c), d, optimizer, standardizer, c.l2());
      }
      case "linear": {
        String lossName = spec.shape().isEmpty() ? "squared" : spec.shape().get(0);
        if (spec.shape().size() > 1) {
          throw new IllegalArgumentException("linear takes one loss (squared or huber), got " + spec.shape());
        }
        ScalarLoss loss;
        String canonical;
        if (lossName.equals("squared")) {
          loss = new SquaredLoss();
          canonical = ModelSpec.canonical("linear", c);
        } else if (lossName.equals("huber")) {
          loss = new HuberLoss(c.huberDelta());
          canonical = ModelSpec.canonical("linear:huber", c,
              c.huberDelta() == ModelConfig.DEFAULTS.huberDelta() ? null : "delta=" + SpecNumbers.format(c.huberDelta()));
        } else {
          throw new IllegalArgumentException("linear loss must be squared or huber, got " + lossName);
        }
        return new LinearRegression(canonical, d, loss, optimizer, standardizer, c.l2());
      }
      case "softmax": {
        int[] k = spec.shapeAsSizes();
        if (k.length != 1) {
          throw new IllegalArgumentException("softmax needs the class count, e.g. softmax:10");
        }
        return new SoftmaxRegression(ModelSpec.canonical("softmax:" + k[0], c), d, k[0], optimizer, standardizer,
            c.l2());
      }
      default:
        return provided(spec.kind()).create(spec, c, d, optimizer, standardizer);
    }
  }

  private static void noShape(ModelSpec spec) {
    if (!spec.shape().isEmpty()) {
      throw new IllegalArgumentException(spec.kind() + " takes no shape, got " + spec.shape());
    }
  }

  /** The loss an output of a given name uses; used by layered models. */
  public static ScalarLoss scalarLoss(String name, double huberDelta) {
    return switch (LossKind.of(name)) {
      case LOG -> new LogLoss();
      case SQUARED -> new SquaredLoss();
      case HUBER -> new HuberLoss(huberDelta);
      case CROSS_ENTROPY -> throw new IllegalArgumentException("loss must be log, squared or huber, got " + name);
    };
  }
}
