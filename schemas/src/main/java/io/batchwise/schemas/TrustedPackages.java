package io.batchwise.schemas;

/**
 * Avro 1.12 instantiates only classes from trusted packages when it decodes; ours must be on the list
 * (org.apache.avro.SERIALIZABLE_PACKAGES). The launcher and the build set the property too, this makes
 * embedding batchwise in another JVM work without it.
 */
public final class TrustedPackages {
  public static final String PROPERTY = "org.apache.avro.SERIALIZABLE_PACKAGES";
  private static final String DEFAULTS = "java.lang,java.math,java.io,java.net,org.apache.avro.util";
  private static final String OURS = "io.batchwise";

  private TrustedPackages() {
  }

  /** Adds batchwise's package to the trusted list, keeping whatever is already there. */
  public static synchronized void install() {
    String current = System.getProperty(PROPERTY);
    if (current == null || current.isBlank()) {
      System.setProperty(PROPERTY, DEFAULTS + "," + OURS);
    } else if (!current.equals("*") && !(("," + current + ",").contains("," + OURS + ","))) {
      System.setProperty(PROPERTY, current + "," + OURS);
    }
  }
}
