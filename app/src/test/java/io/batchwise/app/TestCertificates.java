package io.batchwise.app;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a broker certificate it signed for 127.0.0.1 and localhost, written as
 * PKCS12 files: the broker's keystore and the truststore every client is given.
 */
record TestCertificates(Path keystore, Path truststore, String password) {
  static TestCertificates create(Path dir) throws Exception {
    KeyPair caKeys = rsaKeys();
    X500Name caName = new X500Name("CN=batchwise test CA");
    X509Certificate ca = sign(new JcaX509v3CertificateBuilder(caName, serial(), validFrom(), validUntil(), caName,
        caKeys.getPublic()).addExtension(Extension.basicConstraints, true, new BasicConstraints(true)), caKeys);

    KeyPair brokerKeys = rsaKeys();
    X509Certificate broker = sign(new JcaX509v3CertificateBuilder(caName, serial(), validFrom(), validUntil(),
        new X500Name("CN=localhost"), brokerKeys.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")})),
        caKeys);

    String password = "test-store-secret";
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("broker", brokerKeys.getPrivate(), password.toCharArray(), new X509Certificate[] {broker, ca});
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TestCertificates files = new TestCertificates(dir.resolve("broker.p12"), dir.resolve("truststore.p12"), password);
    store(keys, files.keystore(), password);
    store(trust, files.truststore(), password);
    return files;
  }

  private static KeyPair rsaKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuer.getPrivate())));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(System.nanoTime());
  }

  private static Date validFrom() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date validUntil() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }

  private static void store(KeyStore store, Path file, String password) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }
}
