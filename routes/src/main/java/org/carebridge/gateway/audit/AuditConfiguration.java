package org.carebridge.gateway.audit;

import org.carebridge.gateway.CarebridgeProperties;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

    /**
     * The key for subject lookups: {@code carebridge.audit.subject-key} (base64, 256 bits or more); with the dev PKI, a
     * dev-only key generated on first start and kept beside it.
     */
    @Bean
    SubjectKeys subjectKeys(@Value("${carebridge.audit.subject-key:}") String configured, CarebridgeProperties properties) throws IOException {
        if (!configured.isBlank()) {
            return new SubjectKeys(Base64.getDecoder().decode(configured.trim()));
        }
        if (!properties.pki().devGenerate()) {
            throw new IllegalStateException("carebridge.audit.subject-key (CAREBRIDGE_AUDIT_SUBJECT_KEY) must be set when the dev PKI is off");
        }
        Path file = properties.pki().dir().resolve("audit-subject-key.dev-only.b64");
        if (!Files.exists(file)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
        }
        return new SubjectKeys(Base64.getDecoder().decode(Files.readString(file).trim()));
    }
}
