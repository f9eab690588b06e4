package io.batchwise.learner.nd4j;

import io.batchwise.learner.loss.LossKind;
import io.batchwise.learner.loss.ScalarLoss;
import io.batchwise.learner.loss.SoftmaxCrossEntropy;
import io.batchwise.learner.model.DifferentiableModel;
import io.batchwise.learner.model.Layer;
import io.batchwise.learner.model.MicroBatch;
import io.batchwise.learner.model.ModelConfig;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.ModelSpec;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.Standardizer;
import io.batchwise.learner.model.StepResult;
import io.batchwise.learner.optim.Optimizer;
import io.batchwise.policy.SpecNumbers;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A multilayer perceptron on ND4J: dense hidden layers with relu or tanh, and a sigmoid (binary
 * cross-entropy), softmax (K-class cross-entropy) or identity (squared or Huber loss) output.
 * {@code mlp:128,64} is d -> 128 relu -> 64 relu -> 1 sigmoid under Adam(0.001), the classic Keras example.
 *
 * <p>The matrix products (forward {@code Z = A W^T}, backward {@code dW = delta^T A} and
 * {@code delta W}) run on ND4J's arrays by its BLAS ({@link LayerProducts}) in float32 (float64 on request), on
 * buffers preallocated per batch size and reused; everything O(B * width) (biases, activations and their
 * derivatives, losses, bias gradients, per-example norms) runs in plain Java on host copies. The master parameters
 * ({@link MasterParameters}) are kept in the precision the model computes in, which the optimizer steps in place and a
 * bulk copy hands to ND4J once per step;
 * optimizers and snapshots are shared with the linear models.
 *
 * <p>Per-example gradient norms come from the per-layer identity (Goodfellow 2015, "Efficient
 * per-example gradient computations"): example i's gradient of layer l is {@code delta_li a_(l-1)i^T}
 * plus the bias {@code delta_li}, so {@code |g_i|^2 = sum_l |delta_li|^2 (|a_(l-1)i|^2 + 1)}.
 *
 * <p>Parameters: layer by layer, each layer's {@code outputs x inputs} weights row-major then its biases.
 */
public final class MultilayerPerceptron implements DifferentiableModel {
  private static final int CACHED_BATCH_SIZES = 8;

  private final String spec;
  private final int d;
  private final int[] widths; // d, hidden..., outputs
  private final boolean tanh;
  private final ScalarLoss scalarLoss; // null for a softmax output
  private final SoftmaxCrossEntropy crossEntropy = new SoftmaxCrossEntropy();
  private final Optimizer optimizer;
  private final Standardizer standardizer;
  private final double l2;
  private final DataType dtype;
  private final LayerProducts products;
  private final int layerCount;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final MasterParameters master;
  /** One layer's bias gradient, summed over the batch. */
  private final double[] biasGradient;
  private final INDArray[] weights;
  /** Each layer's biases, as the master parameters hold them, for the host's part of the forward pass. */
  private final double[][] hostBiases;
  private final INDArray[] weightGradients;
  private final Map<Integer, Buffers> buffers = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Buffers> eldest) {
      return size() > CACHED_BATCH_SIZES;
    }
  };
  private float[] floatScratch = new float[0];

  private double weightSum;
  private double lossSum;
  private double correctSum;
  private double exampleGradientSquares;
  /** The squared norm of the last backward pass's gradient, L2 term included. */
  private double gradientSquares;

  /**
   * @param hidden     hidden layer widths, possibly none (then the model is a GLM on ND4J)
   * @param outputs    1 for a binary or regression output, K >= 2 for a softmax over K classes
   * @param outputLoss the loss of a single output (log, squared or huber); ignored for K >= 2
   * @throws IllegalStateException when ND4J's natives for this platform are not on the classpath
   */
  public MultilayerPerceptron(String spec, int featureCount, int[] hidden, String activation, int outputs,
      ScalarLoss outputLoss, Optimizer optimizer, Standardizer standardizer, double l2, boolean doublePrecision,
      long seed) {
    NativeBackend.require();
    if (featureCount < 1 || outputs < 1) {
      throw new IllegalArgumentException("mlp needs d >= 1 and outputs >= 1");
    }
    if (!activation.equals("relu") && !activation.equals("tanh")) {
      throw new IllegalArgumentException("activation must be relu or tanh, got " + activation);
    }
    this.spec = spec;
    this.d = featureCount;
    this.tanh = activation.equals("tanh");
    this.scalarLoss = outputs == 1 ? outputLoss : null;
    if (outputs == 1 && outputLoss == null) {
      throw new IllegalArgumentException("a single-output mlp needs a loss");
    }
    this.optimizer = optimizer;
    this.standardizer = standardizer;
    this.l2 = l2;
    this.dtype = doublePrecision ? DataType.DOUBLE : DataType.FLOAT;
    this.products = new LayerProducts(dtype);
    this.widths = new int[hidden.length + 2];
    widths[0] = featureCount;
    System.arraycopy(hidden, 0, widths, 1, hidden.length);
    widths[widths.length - 1] = outputs;
    this.layerCount = widths.length - 1;
    this.weightOffset = new int[layerCount];
    this.biasOffset = new int[layerCount];
    int p = 0;
    for (int l = 0; l < layerCount; l++) {
      weightOffset[l] = p;
      p += widths[l] * widths[l + 1];
      biasOffset[l] = p;
      p += widths[l + 1];
    }
    this.master = MasterParameters.of(p, doublePrecision);
    int widest = 0;
    for (int width : widths) {
      widest = Math.max(widest, width);
    }
    this.biasGradient = new double[widest];
    this.weights = new INDArray[layerCount];
    this.hostBiases = new double[layerCount][];
    this.weightGradients = new INDArray[layerCount];
    for (int l = 0; l < layerCount; l++) {
      weights[l] = Nd4j.create(dtype, widths[l + 1], widths[l]);
      hostBiases[l] = new double[widths[l + 1]];
      weightGradients[l] = Nd4j.create(dtype, widths[l + 1], widths[l]);
    }
    initialize(new Random(seed));
    uploadWeights();
  }

  /** Builds {@code mlp:<hidden>[:options]}, see {@link ModelSpec}. */
  static MultilayerPerceptron fromSpec(ModelSpec spec, ModelConfig c, int d, Optimizer optimizer,
      Standardizer standardizer) {
    int[] hidden = spec.shapeAsSizes();
    int classes = spec.intOption("classes", 1);
    String lossName = spec.option("loss", "log");
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be >= 1, got " + classes);
    }
    if (classes > 1 && !lossName.equals("log")) {
      throw new IllegalArgumentException("a " + classes + "-class mlp uses cross-entropy, not " + lossName);
    }
    List<String> opts = new ArrayList<>();
    if (classes != 1) {
      opts.add("classes=" + classes);
    }
    if (!lossName.equals("log")) {
      opts.add("loss=" + lossName);
    }
    if (lossName.equals("huber") && c.huberDelta() != ModelConfig.DEFAULTS.huberDelta()) {
      opts.add("delta=" + SpecNumbers.format(c.huberDelta()));
    }
    if (!c.activation().equals(ModelConfig.DEFAULTS.activation())) {
      opts.add("activation=" + c.activation());
    }
    if (c.seed() != ModelConfig.DEFAULTS.seed()) {
      opts.add("seed=" + c.seed());
    }
    if (c.doublePrecision()) {
      opts.add("precision=float64");
    }
    StringBuilder shape = new StringBuilder("mlp");
    for (int i = 0; i < hidden.length; i++) {
      shape.append(i == 0 ? ":" : ",").append(hidden[i]);
    }
    String canonical = ModelSpec.canonical(shape.toString(), c, opts.toArray(new String[0]));
    ScalarLoss loss = classes == 1 ? ModelFactory.scalarLoss(lossName, c.huberDelta()) : null;
    return new MultilayerPerceptron(canonical, d, hidden, c.activation(), classes == 1 ? 1 : classes, loss,
        optimizer, standardizer, c.l2(), c.doublePrecision(), c.seed());
  }

  /** He initialization for relu layers, Glorot for tanh and the output layer; zero biases. */
  private void initialize(Random rnd) {
    for (int l = 0; l < layerCount; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      boolean hiddenRelu = l < layerCount - 1 && !tanh;
      double std = hiddenRelu ? Math.sqrt(2.0 / in) : Math.sqrt(2.0 / (in + out));
      for (int k = 0; k < in * out; k++) {
        master.setTheta(weightOffset[l] + k, std * rnd.nextGaussian());
      }
    }
  }

  /** ND4J arrays and host buffers for one batch size. */
  private final class Buffers {
    final int rows;
    final INDArray[] activations; // [0] = input, [l] = output of layer l (pre-activation for the last)
    final INDArray[] deltas; // [l] = gradient w.r.t. layer l's pre-activation, l = 1..L
    final INDArray[] backprop; // [l] = delta_l W_l, the gradient w.r.t. activations l-1, l = 2..L
    final double[][] host; // host copies of activations
    final double[][] hostDelta;
    final double[] rowNormSq; // |a_(l-1)i|^2 + 1 of the current layer, scratch

    Buffers(int rows) {
      this.rows = rows;
      activations = new INDArray[layerCount + 1];
      deltas = new INDArray[layerCount + 1];
      backprop = new INDArray[layerCount + 1];
      host = new double[layerCount + 1][];
      hostDelta = new double[layerCount + 1][];
      for (int l = 0; l <= layerCount; l++) {
        activations[l] = Nd4j.create(dtype, rows, widths[l]);
        host[l] = new double[rows * widths[l]];
        if (l >= 1) {
          deltas[l] = Nd4j.create(dtype, rows, widths[l]);
          hostDelta[l] = new double[rows * widths[l]];
        }
        if (l >= 2) {
          backprop[l] = Nd4j.create(dtype, rows, widths[l - 1]);
        }
      }
      rowNormSq = new double[rows];
    }
  }

  private Buffers buffersFor(int rows) {
    return buffers.computeIfAbsent(rows, Buffers::new);
  }

  @Override
  public int featureCount() {
    return d;
  }

  @Override
  public double baseLearningRate() {
    return optimizer.baseLearningRate();
  }

  public int outputCount() {
    return widths[layerCount];
  }

  @Override
  public StepResult learn(MicroBatch batch, double learningRateMultiplier) {
    checkBatch(batch);
    int n = batch.size();
    double rate = optimizer.baseLearningRate() * learningRateMultiplier;
    boolean classifies = scalarLoss == null || scalarLoss.classifies();
    if (n == 0) {
      return new StepResult(0, 0, 0, classifies ? 0 : Double.NaN, 0, 0, rate);
    }
    validateLabels(batch);
    Buffers b = buffersFor(n);
    double[] inputNormSq = new double[n];
    loadInputs(batch, b, true, inputNormSq);
    forward(b);
    scoreOutputs(batch, b);
    if (!(weightSum > 0)) {
      if (standardizer != null) {
        standardizer.discardBatch();
      }
      return new StepResult(n, weightSum, lossSum, classifies ? correctSum : Double.NaN, 0, 0, rate);
    }
    backward(b, inputNormSq);
    double meanGradSq = gradientSquares;
    double dataGradDotReg = 0;
    double regSq = 0;
    if (l2 > 0) {
      for (int l = 0; l < layerCount; l++) {
        for (int k = weightOffset[l]; k < biasOffset[l]; k++) {
          double r = l2 * master.theta(k);
          dataGradDotReg += (master.gradient(k) - r) * r;
          regSq += r * r;
        }
      }
    }
    // deltas carry w_i / W; h_i = n (w_i / W) g_i has mean_i |h_i|^2 = n sum_i |scaled g_i|^2
    double meanExampleSq = n * exampleGradientSquares + 2 * dataGradDotReg + regSq;
    master.step(optimizer, rate, n);
    uploadWeights();
    if (standardizer != null) {
      standardizer.commitBatch();
    }
    return new StepResult(n, weightSum, lossSum, classifies ? correctSum : Double.NaN, meanExampleSq, meanGradSq,
        rate);
  }

  private void validateLabels(MicroBatch batch) {
    if (scalarLoss == null) {
      for (int i = 0; i < batch.size(); i++) {
        SoftmaxCrossEntropy.classOf(batch.labels()[i], outputCount());
      }
    }
  }

  /** Standardizes the rows into the input buffer; leaves {@code |a_0i|^2} in {@code normSq}. */
  private void loadInputs(MicroBatch batch, Buffers b, boolean observe, double[] normSq) {
    int n = batch.size();
    double[] x = batch.features();
    double[] in = b.host[0];
    for (int i = 0; i < n; i++) {
      int off = i * d;
      if (standardizer == null) {
        double sq = 0;
        for (int j = 0; j < d; j++) {
          double v = x[off + j];
          in[off + j] = v;
          sq += v * v;
        }
        normSq[i] = sq;
      } else {
        if (observe) {
          standardizer.standardizeAndObserve(x, off, batch.weights()[i], in, off);
        } else {
          standardizer.standardize(x, off, in, off);
        }
        double sq = 0;
        for (int j = off; j < off + d; j++) {
          sq += in[j] * in[j];
        }
        normSq[i] = sq;
      }
    }
    upload(in, 0, n * d, b.activations[0]);
  }

  /**
   * The products on ND4J's arrays, the biases and activations on the host copies (O(B x width), cheaper there than an
   * ND4J op's overhead), each hidden layer's output copied back for the next product. Leaves every layer's output in
   * {@code host}.
   */
  private void forward(Buffers b) {
    for (int l = 1; l <= layerCount; l++) {
      int out = widths[l];
      INDArray z = b.activations[l];
      products.forward(b.activations[l - 1], weights[l - 1], z, b.rows, widths[l - 1], out);
      double[] a = b.host[l];
      download(z, a, 0, b.rows * out);
      double[] bias = hostBiases[l - 1];
      boolean hidden = l < layerCount;
      for (int i = 0; i < b.rows; i++) {
        int row = i * out;
        for (int c = 0; c < out; c++) {
          double v = a[row + c] + bias[c];
          a[row + c] = !hidden ? v : tanh ? Math.tanh(v) : Math.max(v, 0.0);
        }
      }
      if (hidden) {
        upload(a, 0, b.rows * out, z);
      }
    }
  }

  /**
   * Scores the outputs (loss, accuracy) and writes the output deltas, scaled by w_i / W, into
   * {@code hostDelta[L]}.
   */
  private void scoreOutputs(MicroBatch batch, Buffers b) {
    int n = batch.size();
    int k = outputCount();
    double[] z = b.host[layerCount];
    double[] delta = b.hostDelta[layerCount];
    double[] y = batch.labels();
    double[] sw = batch.weights();
    double wSum = 0;
    double lSum = 0;
    double correct = 0;
    for (int i = 0; i < n; i++) {
      double wi = sw[i];
      wSum += wi;
      if (scalarLoss != null) {
        double zi = z[i];
        lSum += wi * scalarLoss.loss(zi, y[i]);
        delta[i] = scalarLoss.derivative(zi, y[i]);
        if ((zi >= 0) == (y[i] >= 0.5)) {
          correct += wi;
        }
      } else {
        int label = (int) y[i];
        lSum += wi * crossEntropy.lossAndDelta(z, i * k, k, label, delta, i * k);
        int best = 0;
        for (int c = 1; c < k; c++) {
          if (z[i * k + c] > z[i * k + best]) {
            best = c;
          }
        }
        if (best == label) {
          correct += wi;
        }
      }
    }
    weightSum = wSum;
    lossSum = lSum;
    correctSum = correct;
    if (wSum > 0) {
      for (int i = 0; i < n; i++) {
        double s = sw[i] / wSum;
        for (int c = 0; c < k; c++) {
          delta[i * k + c] *= s;
        }
      }
    }
  }

  /**
   * Backpropagates the output deltas: the products by {@link LayerProducts}, bias gradients, activation derivatives
   * and the per-example norms on the host. Leaves the summed gradient, L2 term included, in {@link #master} and its
   * squared norm in {@link #gradientSquares}.
   */
  private void backward(Buffers b, double[] inputNormSq) {
    int n = b.rows;
    double exampleSq = 0;
    double gradientSq = 0;
    for (int l = layerCount; l >= 1; l--) {
      int out = widths[l];
      int in = widths[l - 1];
      double[] delta = b.hostDelta[l];
      upload(delta, 0, n * out, b.deltas[l]);
      // |a_(l-1)i|^2 + 1 for this layer's input
      double[] inNorm = b.rowNormSq;
      if (l == 1) {
        for (int i = 0; i < n; i++) {
          inNorm[i] = inputNormSq[i] + 1;
        }
      } else {
        double[] a = b.host[l - 1];
        for (int i = 0; i < n; i++) {
          double sq = 1;
          for (int j = i * in; j < (i + 1) * in; j++) {
            sq += a[j] * a[j];
          }
          inNorm[i] = sq;
        }
      }
      Arrays.fill(biasGradient, 0, out, 0.0);
      for (int i = 0; i < n; i++) {
        double sq = 0;
        int row = i * out;
        for (int c = 0; c < out; c++) {
          double v = delta[row + c];
          sq += v * v;
          biasGradient[c] += v;
        }
        exampleSq += sq * inNorm[i];
      }
      gradientSq += master.setGradient(biasOffset[l - 1], biasGradient, out);
      products.weightGradient(b.deltas[l], b.activations[l - 1], weightGradients[l - 1], n, in, out);
      gradientSq += master.downloadGradient(weightGradients[l - 1], weightOffset[l - 1], out * in, l2);
      if (l >= 2) {
        products.backpropagate(b.deltas[l], weights[l - 1], b.backprop[l], n, in, out);
        double[] next = b.hostDelta[l - 1];
        download(b.backprop[l], next, 0, n * in);
        double[] a = b.host[l - 1];
        for (int j = 0; j < n * in; j++) {
          double aj = a[j];
          next[j] *= tanh ? 1 - aj * aj : (aj > 0 ? 1.0 : 0.0);
        }
      }
    }
    exampleGradientSquares = exampleSq;
    gradientSquares = gradientSq;
  }

  private void uploadWeights() {
    for (int l = 0; l < layerCount; l++) {
      master.upload(weightOffset[l], widths[l] * widths[l + 1], weights[l]);
      for (int c = 0; c < widths[l + 1]; c++) {
        hostBiases[l][c] = master.theta(biasOffset[l] + c);
      }
    }
  }

  private void upload(double[] src, int off, int len, INDArray dst) {
    if (dtype == DataType.DOUBLE) {
      DoubleBuffer buf = dst.data().asNioDouble();
      buf.put(0, src, off, len);
    } else {
      float[] f = scratch(len);
      for (int k = 0; k < len; k++) {
        f[k] = (float) src[off + k];
      }
      FloatBuffer buf = dst.data().asNioFloat();
      buf.put(0, f, 0, len);
    }
  }

  private void download(INDArray src, double[] dst, int off, int len) {
    if (dtype == DataType.DOUBLE) {
      src.data().asNioDouble().get(0, dst, off, len);
    } else {
      float[] f = scratch(len);
      src.data().asNioFloat().get(0, f, 0, len);
      for (int k = 0; k < len; k++) {
        dst[off + k] = f[k];
      }
    }
  }

  private float[] scratch(int len) {
    if (floatScratch.length < len) {
      floatScratch = new float[len];
    }
    return floatScratch;
  }

  private void checkBatch(MicroBatch batch) {
    if (batch.featureCount() != d) {
      throw new IllegalArgumentException("batch has " + batch.featureCount() + " features, model " + d);
    }
  }

  @Override
  public double[] predict(double[] features) {
    if (features.length != d) {
      throw new IllegalArgumentException("expected " + d + " features, got " + features.length);
    }
    MicroBatch one = new MicroBatch(d, 1);
    one.add(features, 0, 1);
    Buffers b = buffersFor(1);
    loadInputs(one, b, false, new double[1]);
    forward(b);
    int k = outputCount();
    double[] z = b.host[layerCount];
    if (scalarLoss != null) {
      return new double[] {scalarLoss.output(z[0])};
    }
    double[] p = new double[k];
    crossEntropy.softmax(z, 0, k, p, 0);
    return p;
  }

  @Override
  public int parameterCount() {
    return master.size();
  }

  @Override
  public double[] parameters() {
    return master.toArray();
  }

  @Override
  public void setParameters(double[] parameters) {
    if (parameters.length != master.size()) {
      throw new IllegalArgumentException("expected " + master.size() + " parameters, got " + parameters.length);
    }
    master.setAll(parameters);
    uploadWeights();
  }

  @Override
  public void setStandardizer(ModelState.Standardization state) {
    if (standardizer != null && state != null) {
      standardizer.load(state);
    }
  }

  @Override
  public double objective(MicroBatch batch) {
    checkBatch(batch);
    validateLabels(batch);
    Buffers b = buffersFor(batch.size());
    loadInputs(batch, b, false, new double[batch.size()]);
    forward(b);
    scoreOutputs(batch, b);
    return lossSum / weightSum + penalty();
  }

  @Override
  public double gradient(MicroBatch batch, double[] out) {
    checkBatch(batch);
    validateLabels(batch);
    Buffers b = buffersFor(batch.size());
    double[] normSq = new double[batch.size()];
    loadInputs(batch, b, false, normSq);
    forward(b);
    scoreOutputs(batch, b);
    backward(b, normSq);
    for (int k = 0; k < master.size(); k++) {
      out[k] = master.gradient(k);
    }
    return lossSum / weightSum + penalty();
  }

  private double penalty() {
    if (l2 == 0) {
      return 0;
    }
    double s = 0;
    for (int l = 0; l < layerCount; l++) {
      for (int k = weightOffset[l]; k < biasOffset[l]; k++) {
        s += master.theta(k) * master.theta(k);
      }
    }
    return 0.5 * l2 * s;
  }

  /**
   * The buffered row, label and weight, and what {@link Buffers} holds per row: every layer's activations (on the
   * device and a host copy), deltas (likewise) and backpropagated gradients, and a row norm.
   */
  @Override
  public long bytesPerExample() {
    long device = dtype == DataType.FLOAT ? Float.BYTES : Double.BYTES;
    long activations = 0;
    long deltas = 0;
    long backprop = 0;
    for (int l = 0; l <= layerCount; l++) {
      activations += widths[l];
      if (l >= 1) {
        deltas += widths[l];
      }
      if (l >= 2) {
        backprop += widths[l - 1];
      }
    }
    return Double.BYTES * (d + 2L) + device * (activations + deltas + backprop)
        + Double.BYTES * (activations + deltas + 1);
  }

  @Override
  public boolean computesInFloat32() {
    return dtype == DataType.FLOAT;
  }

  @Override
  public ModelState exportState() {
    List<Layer> layers = new ArrayList<>();
    for (int l = 0; l < layerCount; l++) {
      String act = l < layerCount - 1 ? (tanh ? "tanh" : "relu")
          : scalarLoss == null ? "softmax" : scalarLoss.classifies() ? "sigmoid" : "identity";
      layers.add(new Layer(widths[l], widths[l + 1], act));
    }
    LossKind lossName = scalarLoss == null ? LossKind.CROSS_ENTROPY : scalarLoss.kind();
    return new ModelState(spec, "mlp", d, outputCount(), List.copyOf(layers), lossName, master.toArray(),
        optimizer.spec(), optimizer.steps(), optimizer.exportState(),
        standardizer == null ? null : standardizer.exportState());
  }

  void importState(ModelState state) {
    setParameters(state.parameters());
    optimizer.importState(state.optimizerSteps(), state.optimizerState());
  }
}
