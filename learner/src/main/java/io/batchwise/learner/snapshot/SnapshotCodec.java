package io.batchwise.learner.snapshot;

import io.batchwise.learner.loss.LossKind;
import java.util.ArrayList;
import java.util.List;

import io.batchwise.learner.model.Layer;
import io.batchwise.learner.model.ModelFactory;
import io.batchwise.learner.model.ModelState;
import io.batchwise.learner.model.OnlineModel;
import io.batchwise.schemas.LayerShape;
import io.batchwise.schemas.ModelArchitecture;
import io.batchwise.schemas.ModelSnapshot;
import io.batchwise.schemas.OptimizerState;
import io.batchwise.schemas.StandardizerState;

/**
 * Converts between the learner's {@link ModelState} and the model part of an Avro {@link ModelSnapshot}. A
 * snapshot carries no optimizer slots: the model it gives scores exactly as the learner did, and learns on with
 * a fresh optimizer of the same spec.
 */
public final class SnapshotCodec {
  private SnapshotCodec() {
  }

  /** The model a snapshot carries, ready to score exactly as the learner did (standardization included). */
  public static OnlineModel model(ModelSnapshot snapshot) {
    return ModelFactory.restore(modelState(snapshot));
  }

  public static ModelState modelState(ModelSnapshot snapshot) {
    ModelArchitecture a = snapshot.getArchitecture();
    List<Layer> layers = new ArrayList<>();
    for (LayerShape l : a.getLayers()) {
      layers.add(new Layer(l.getInputs(), l.getOutputs(), l.getActivation()));
    }
    OptimizerState o = snapshot.getOptimizer();
    StandardizerState s = snapshot.getStandardizer();
    return new ModelState(a.getSpec(), a.getKind(), a.getFeatureCount(), a.getOutputCount(), layers, LossKind.of(a.getLoss()),
        toArray(snapshot.getParameters()), o.getSpec(), o.getSteps(), new double[0],
        s == null ? null : new ModelState.Standardization(s.getCount(), toArray(s.getMean()), toArray(s.getM2())));
  }

  public static ModelArchitecture architecture(ModelState state) {
    List<LayerShape> layers = new ArrayList<>();
    for (Layer l : state.layers()) {
      layers.add(new LayerShape(l.inputs(), l.outputs(), l.activation()));
    }
    return new ModelArchitecture(state.kind(), state.spec(), state.featureCount(), state.outputCount(), layers,
        state.loss().schemaName());
  }

  public static OptimizerState optimizer(ModelState state) {
    return new OptimizerState(state.optimizerSpec(), state.optimizerSteps());
  }

  public static StandardizerState standardizer(ModelState state) {
    ModelState.Standardization s = state.standardizer();
    return s == null ? null : new StandardizerState(s.count(), toList(s.mean()), toList(s.m2()));
  }

  public static List<Double> toList(double[] values) {
    List<Double> list = new ArrayList<>(values.length);
    for (double v : values) {
      list.add(v);
    }
    return list;
  }

  public static double[] toArray(List<Double> values) {
    double[] array = new double[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }
}
