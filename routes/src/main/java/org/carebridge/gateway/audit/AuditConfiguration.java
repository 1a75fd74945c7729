package org.carebridge.gateway.audit;

import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.KeyMaterial;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    /**
     * The key for subject lookups: {@code carebridge.audit.subject-key} (base64, 256 bits or more); the key file that
     * encrypts identifier values: {@code carebridge.audit.subject-encryption-key-file}. With the dev PKI, dev-only keys
     * generated on first start and kept beside it.
     */
    @Bean
    SubjectKeys subjectKeys(@Value("${carebridge.audit.subject-key:}") String configured,
                            @Value("${carebridge.audit.subject-encryption-key-file:}") String encryptionKeyFile,
                            CarebridgeProperties properties, JdbcTemplate jdbc) throws IOException {
        byte[] hmacKey;
        if (!configured.isBlank()) {
            hmacKey = Base64.getDecoder().decode(configured.trim());
        } else {
            Path file = devOnly(properties, "carebridge.audit.subject-key (CAREBRIDGE_AUDIT_SUBJECT_KEY)", "audit-subject-key.dev-only.b64");
            if (!Files.exists(file)) {
                Files.writeString(file, newKey() + "\n");
            }
            hmacKey = Base64.getDecoder().decode(Files.readString(file).trim());
        }
        Path keyFile;
        if (!encryptionKeyFile.isBlank()) {
            keyFile = Path.of(encryptionKeyFile.trim());
        } else {
            keyFile = devOnly(properties, "carebridge.audit.subject-encryption-key-file (CAREBRIDGE_AUDIT_SUBJECT_ENCRYPTION_KEY_FILE)",
                    "audit-subject-encryption.dev-only.key");
            writeOnce(keyFile, "# DEV-ONLY: AES-256 key encrypting audit subject identifiers. Never use in production.\n"
                    + "# One base64 key per line; the first encrypts, all decrypt (add a new key on top to rotate).\n" + newKey() + "\n");
        }
        return new SubjectKeys(hmacKey, SubjectEncryption.fromFile(keyFile), jdbc);
    }

    /**
     * The checkpoint signing key and certificate (EC P-256 or RSA, PEM): {@code carebridge.audit.checkpoint-key} and
     * {@code checkpoint-certificate}; with the dev PKI and neither set, a dev-only pair issued by the dev CA.
     */
    @Bean
    CheckpointSigner checkpointSigner(@Value("${carebridge.audit.checkpoint-key:}") String key,
                                      @Value("${carebridge.audit.checkpoint-certificate:}") String certificate,
                                      CarebridgeProperties properties, GatewayPki pki) {
        if (!key.isBlank() && !certificate.isBlank()) {
            return new CheckpointSigner(KeyMaterial.load(Path.of(certificate.trim()), Path.of(key.trim())));
        }
        if (!key.isBlank() || !certificate.isBlank() || pki.devPki() == null) {
            throw new IllegalStateException("carebridge.audit.checkpoint-key and carebridge.audit.checkpoint-certificate "
                    + "(CAREBRIDGE_AUDIT_CHECKPOINT_KEY, CAREBRIDGE_AUDIT_CHECKPOINT_CERTIFICATE) must both be set when the dev PKI is off");
        }
        Path certFile = properties.pki().dir().resolve("ledger-checkpoint.dev-only.crt.pem");
        Path keyFile = properties.pki().dir().resolve("ledger-checkpoint.dev-only.key.pem");
        pki.devPki().ensureSigner("carebridge-ledger-checkpoints", certFile, keyFile);
        return new CheckpointSigner(KeyMaterial.load(certFile, keyFile));
    }

    private static Path devOnly(CarebridgeProperties properties, String setting, String fileName) throws IOException {
        if (!properties.pki().devGenerate()) {
            throw new IllegalStateException(setting + " must be set when the dev PKI is off");
        }
        Path file = properties.pki().dir().resolve(fileName);
        Files.createDirectories(file.getParent());
        return file;
    }

    private static void writeOnce(Path file, String content) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the directory's permissions apply
            }
            Files.writeString(file, content);
        } catch (FileAlreadyExistsException e) {
            // another node wrote it first: use theirs
        }
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }
}
