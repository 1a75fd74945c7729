package org.carebridge.gateway.admin;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.carebridge.security.crypto.Pem;
import org.springframework.stereotype.Component;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Dev-only: a new partner's TLS client and encryption certificates issued from the dev CA, so someone trying the
 * embedded default needs no PEM from elsewhere. Only where the dev PKI is in use ({@code carebridge.pki.dev-generate});
 * in production {@link #available()} is false and nothing here issues anything. The keys stay in the dev PKI folder
 * beside the other dev-only partners' (the demo partners open sealed copies with them); the PKCS#12 download is
 * encrypted with a password that is shown once and kept nowhere.
 */
@Component
public class DevelopmentCertificates {

    private static final java.util.regex.Pattern PARTNER_ID = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /** What was issued: the certificates (with the CA after each) and the PKCS#12 password, shown once. */
    public record Issued(String tlsPem, String encryptionPem, String pkcs12Password) {
    }

    private final GatewayPki pki;
    private final SecureRandom random = new SecureRandom();

    public DevelopmentCertificates(GatewayPki pki) {
        this.pki = pki;
    }

    public boolean available() {
        return pki.devPki() != null;
    }

    /** Issues what the partner lacks (existing dev-only files for the id are kept) and writes its PKCS#12 store. */
    Issued issue(String partnerId) {
        DevPki dev = dev();
        dev.ensure(List.of(partnerId));
        String password = password();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            KeyMaterial tls = KeyMaterial.load(dev.partnerCertificate(partnerId), dev.partnerKey(partnerId));
            KeyMaterial encryption = KeyMaterial.load(dev.partnerEncryptionCertificate(partnerId), dev.partnerEncryptionKey(partnerId));
            store.setKeyEntry("tls", tls.privateKey(), password.toCharArray(), tls.chain().toArray(new Certificate[0]));
            store.setKeyEntry("encryption", encryption.privateKey(), password.toCharArray(), encryption.chain().toArray(new Certificate[0]));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            store.store(out, password.toCharArray());
            Path file = pkcs12File(partnerId);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, out.toByteArray());
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Issued(Files.readString(dev.partnerCertificate(partnerId)), Files.readString(dev.partnerEncryptionCertificate(partnerId)),
                    password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the development certificates", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the development key store", e);
        }
    }

    /** The partner's PKCS#12 store (aliases tls and encryption), if one was issued here. */
    public Optional<byte[]> pkcs12(String partnerId) {
        return issuedHere(partnerId) ? read(pkcs12File(partnerId)) : Optional.empty();
    }

    /** The partner's keys and certificates as one PEM text: TLS key and chain, then encryption key and chain. */
    public Optional<byte[]> pem(String partnerId) {
        if (!available() || !issuedHere(partnerId)) {
            return Optional.empty();
        }
        DevPki dev = dev();
        try {
            String text = Files.readString(dev.partnerKey(partnerId)) + Files.readString(dev.partnerCertificate(partnerId))
                    + Files.readString(dev.partnerEncryptionKey(partnerId)) + Files.readString(dev.partnerEncryptionCertificate(partnerId));
            return Optional.of(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean issuedHere(String partnerId) {
        return available() && partnerId != null && PARTNER_ID.matcher(partnerId).matches() && Files.exists(pkcs12File(partnerId));
    }

    private static Optional<byte[]> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path pkcs12File(String partnerId) {
        return dev().partnerCertificate(partnerId).resolveSibling(partnerId + ".dev-only.p12");
    }

    private DevPki dev() {
        DevPki dev = pki.devPki();
        if (dev == null) {
            throw new Refused("developmentCertificate", "Development certificates are issued only in the embedded default (the dev CA); "
                    + "upload the partner's own certificates");
        }
        return dev;
    }

    private String password() {
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            password.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return password.toString();
    }

    static String fingerprint(String pem) {
        try {
            return org.carebridge.security.partner.PartnerRegistry.fingerprint(Pem.readCertificates(pem).get(0)).substring(0, 16);
        } catch (Exception e) {
            return "unreadable";
        }
    }
}
