package org.carebridge.gateway.audit;

import org.carebridge.gateway.CarebridgeProperties;
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
