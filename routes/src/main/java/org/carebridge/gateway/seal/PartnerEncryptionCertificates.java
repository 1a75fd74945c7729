package org.carebridge.gateway.seal;

import org.carebridge.security.crypto.Pem;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Partners' encryption certificates: uploaded ones from the registry, others from their file, re-read when it changes,
 * so a partner's certificate can be replaced without restarting the gateway.
 */
@Component
public class PartnerEncryptionCertificates {

    private record Loaded(FileTime modified, X509Certificate certificate) {
    }

    private final Map<Path, Loaded> cache = new ConcurrentHashMap<>();
    private final PartnerRegistry registry;

    public PartnerEncryptionCertificates(PartnerRegistry registry) {
        this.registry = registry;
    }

    /** The certificate uploaded to the registry, or else the one in the partner's file. */
    public X509Certificate of(Partner partner) {
        var held = registry.heldEncryptionCertificate(partner.id());
        if (held.isPresent()) {
            return held.get();
        }
        Path file = partner.sealing().encryptionCertificate();
        if (file == null) {
            throw new IllegalStateException("partner '" + partner.id() + "' has no encryption certificate");
        }
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Loaded loaded = cache.get(file);
            if (loaded == null || !loaded.modified().equals(modified)) {
                loaded = new Loaded(modified, Pem.readCertificates(file).get(0));
                cache.put(file, loaded);
            }
            return loaded.certificate();
        } catch (Exception e) {
            throw new IllegalStateException("encryption certificate of partner '" + partner.id() + "' cannot be read: "
                    + e.getClass().getSimpleName(), e);
        }
    }
}
