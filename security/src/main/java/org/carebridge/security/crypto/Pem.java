package org.carebridge.security.crypto;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing PEM certificates and keys. Text before a PEM block (a header comment) is ignored, as openssl does. */
public final class Pem {

    private Pem() {
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return readCertificates(reader, file.getFileName().toString());
        }
    }

    /** The certificates in PEM text (as pasted or kept in the database), first the end entity. */
    public static List<X509Certificate> readCertificates(String pem) throws IOException, GeneralSecurityException {
        return readCertificates(new java.io.StringReader(pem == null ? "" : pem), "the PEM text");
    }

    private static List<X509Certificate> readCertificates(Reader reader, String source) throws IOException, GeneralSecurityException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + source);
        }
        return certificates;
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            Object item;
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            while ((item = parser.readObject()) != null) {
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
        }
        throw new GeneralSecurityException("no unencrypted private key in " + file.getFileName());
    }

    /** PEM text of the objects, preceded by a comment line when {@code header} is given. */
    public static String encode(String header, Object... objects) throws IOException {
        StringWriter out = new StringWriter();
        if (header != null) {
            out.write("# " + header + "\n");
        }
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                if (object instanceof PrivateKey key) {
                    // PKCS#8 ("PRIVATE KEY"), which openssl, curl and the JDK all read
                    writer.writeObject(new JcaPKCS8Generator(key, null));
                } else {
                    writer.writeObject(object);
                }
            }
        }
        return out.toString();
    }
}
