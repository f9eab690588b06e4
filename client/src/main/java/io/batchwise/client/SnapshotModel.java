package io.batchwise.client;

import java.util.List;

import io.batchwise.schemas.LayerShape;
import io.batchwise.schemas.ModelArchitecture;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.StandardizerState;

/**
 * One snapshot, ready to score: standardization, then a forward pass through the dense layers, over
 * {@code double[]} straight from the snapshot (docs/SNAPSHOTS.md gives the rule). Every model kind the learner
 * publishes is a stack of dense layers, so one pass scores them all: logistic, linear and softmax regression are
 * one layer, an mlp has its hidden layers before the output. Immutable, so any number of threads may score with
 * one instance.
 */
public final class SnapshotModel {
  /** Standardized features are clipped to [-CLIP, CLIP], as the learner's standardizer does. */
  static final double CLIP = 5.0;

  private final ModelSnapshot snapshot;
  private final int featureCount;
  private final Layer[] layers;
  /** Null when the snapshot has no standardizer. */
  private final double[] mean;
  /** 1 / std per feature, 0 for a feature with no usable variance (constant so far). */
  private final double[] inverseStd;

  private record Layer(int inputs, int outputs, Activation activation, double[] weights, double[] biases) {
  }

  private enum Activation {
    RELU, TANH, SIGMOID, SOFTMAX, IDENTITY;

    static Activation of(String name) {
      return switch (name) {
        case "relu" -> RELU;
        case "tanh" -> TANH;
        case "sigmoid" -> SIGMOID;
        case "softmax" -> SOFTMAX;
        case "identity" -> IDENTITY;
        default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
      };
    }
  }

  private SnapshotModel(ModelSnapshot snapshot) {
    this.snapshot = snapshot;
    ModelArchitecture a = snapshot.getArchitecture();
    this.featureCount = a.getFeatureCount();
    List<LayerShape> shapes = a.getLayers();
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("the snapshot has no layers");
    }
    List<Double> parameters = snapshot.getParameters();
    this.layers = new Layer[shapes.size()];
    int width = featureCount;
    int p = 0;
    for (int l = 0; l < layers.length; l++) {
      LayerShape s = shapes.get(l);
      if (s.getInputs() != width || s.getOutputs() < 1) {
        throw new IllegalArgumentException("layer " + l + " is " + s.getInputs() + " -> " + s.getOutputs()
            + " but its input has " + width + " values");
      }
      int weightCount = s.getInputs() * s.getOutputs();
      if (parameters.size() < p + weightCount + s.getOutputs()) {
        throw new IllegalArgumentException("the layers need more than the " + parameters.size() + " parameters given");
      }
      double[] weights = slice(parameters, p, weightCount);
      double[] biases = slice(parameters, p + weightCount, s.getOutputs());
      p += weightCount + s.getOutputs();
      layers[l] = new Layer(s.getInputs(), s.getOutputs(), Activation.of(s.getActivation()), weights, biases);
      width = s.getOutputs();
    }
    if (p != parameters.size()) {
      throw new IllegalArgumentException("the layers take " + p + " parameters, the snapshot has " + parameters.size());
    }
    if (width != a.getOutputCount()) {
      throw new IllegalArgumentException("the last layer gives " + width + " outputs, the architecture says "
          + a.getOutputCount());
    }
    StandardizerState s = snapshot.getStandardizer();
    if (s == null) {
      mean = null;
      inverseStd = null;
    } else {
      if (s.getMean().size() != featureCount || s.getM2().size() != featureCount) {
        throw new IllegalArgumentException("the standardizer has " + s.getMean().size() + " means and "
            + s.getM2().size() + " sums of squares for " + featureCount + " features");
      }
      mean = slice(s.getMean(), 0, featureCount);
      inverseStd = inverseStd(s.getCount(), mean, slice(s.getM2(), 0, featureCount));
    }
  }

  /**
   * The model a snapshot carries.
   *
   * @throws IllegalArgumentException when the snapshot is inconsistent (layers that do not chain, a parameter
   *     count that does not match them) or uses an activation this client does not know
   */
  public static SnapshotModel of(ModelSnapshot snapshot) {
    return new SnapshotModel(snapshot);
  }

  /** The snapshot this model was built from. */
  public ModelSnapshot snapshot() {
    return snapshot;
  }

  /** The length of the raw feature vectors {@link #predict} takes. */
  public int featureCount() {
    return featureCount;
  }

  /** True when the model predicts a value (identity output) rather than probabilities. */
  public boolean isRegression() {
    return layers[layers.length - 1].activation() == Activation.IDENTITY;
  }

  /**
   * The model's output for one raw (unstandardized) feature vector: P(y = 1) for a sigmoid output, the class
   * probabilities for a softmax, the value for a regression.
   *
   * @throws IllegalArgumentException for a vector of another length
   */
  public double[] predict(double[] features) {
    if (features.length != featureCount) {
      throw new IllegalArgumentException("model " + snapshot.getModelId() + " takes " + featureCount
          + " features, got " + features.length);
    }
    double[] a = standardize(features);
    for (Layer layer : layers) {
      a = apply(layer, a);
    }
    return a;
  }

  private double[] standardize(double[] x) {
    double[] z = x.clone();
    if (mean != null) {
      for (int j = 0; j < z.length; j++) {
        z[j] = Math.max(-CLIP, Math.min(CLIP, (z[j] - mean[j]) * inverseStd[j]));
      }
    }
    return z;
  }

  /** {@code f(W a + b)}, W row-major with one row per output. */
  private static double[] apply(Layer layer, double[] a) {
    int in = layer.inputs();
    double[] w = layer.weights();
    double[] out = new double[layer.outputs()];
    for (int o = 0; o < out.length; o++) {
      double sum = 0;
      int row = o * in;
      for (int j = 0; j < in; j++) {
        sum += w[row + j] * a[j];
      }
      out[o] = layer.biases()[o] + sum;
    }
    switch (layer.activation()) {
      case RELU -> {
        for (int o = 0; o < out.length; o++) {
          out[o] = Math.max(0.0, out[o]);
        }
      }
      case TANH -> {
        for (int o = 0; o < out.length; o++) {
          out[o] = Math.tanh(out[o]);
        }
      }
      case SIGMOID -> {
        for (int o = 0; o < out.length; o++) {
          out[o] = sigmoid(out[o]);
        }
      }
      case SOFTMAX -> softmax(out);
      case IDENTITY -> {
      }
    }
    return out;
  }

  /** The logistic function, without overflow for large |z|. */
  private static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /** In place, with the largest logit subtracted so that no exponential overflows. */
  private static void softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (int c = 0; c < z.length; c++) {
      z[c] /= sum;
    }
  }

  /**
   * 1 / std from Welford statistics (variance m2 / count); 0 for every feature before any example, and for a
   * feature whose variance is below 1e-12 of its squared mean, the rounding noise of a constant feature.
   */
  private static double[] inverseStd(double count, double[] mean, double[] m2) {
    double[] inv = new double[mean.length];
    if (!(count > 0)) {
      return inv;
    }
    for (int j = 0; j < inv.length; j++) {
      boolean varies = m2[j] > count * (1e-12 * mean[j] * mean[j] + Double.MIN_NORMAL);
      inv[j] = varies ? Math.sqrt(count / m2[j]) : 0.0;
    }
    return inv;
  }

  private static double[] slice(List<Double> values, int from, int length) {
    double[] array = new double[length];
    for (int k = 0; k < length; k++) {
      array[k] = values.get(from + k);
    }
    return array;
  }
}
