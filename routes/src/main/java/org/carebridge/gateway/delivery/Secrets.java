package org.carebridge.gateway.delivery;

import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A partner login's password, read from its file when the partner's routes are made (never held in partners.yaml). */
final class Secrets {

    private Secrets() {
    }

    static String read(Partner partner, Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new ConfigurationException("partners.yaml", List.of("partner '" + partner.id()
                    + "': endpoint.password-file cannot be read (" + e.getClass().getSimpleName() + ")"));
        }
    }
}
