package org.carebridge.security.partner;

import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.crypto.Pem;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The registered partners, and the client certificates that identify them. Live: a partner is added, replaced or
 * removed while running ({@link #replace}, {@link #remove}), and listeners hear of each change. Readers see one
 * consistent snapshot; a change whose certificates cannot be used is refused and nothing changes.
 *
 * <p>A certificate is read from the partner's file, or, when the registry holds it as PEM text (uploaded through the
 * console and kept in the database), from that text.
 */
public final class PartnerRegistry {

    /** Hears every change, after it took effect: {@code before} null for a new partner, {@code after} null for a removed one. */
    @FunctionalInterface
    public interface Listener {
        void changed(Partner before, Partner after);
    }

    /** Certificates held as PEM text instead of files; either may be null (then the partner's file is used). */
    public record HeldCertificates(String tlsPem, String encryptionPem) {
        public static final HeldCertificates NONE = new HeldCertificates(null, null);

        public boolean isEmpty() {
            return tlsPem == null && encryptionPem == null;
        }
    }

    private record State(Map<String, Partner> byId, Map<String, HeldCertificates> held, Identities identities) {
    }

    private record Identities(Map<String, Partner> byFingerprint, Map<String, X509Certificate> certificates,
                              Map<String, X509Certificate> encryption) {
    }

    private final String source;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile State state;

    private PartnerRegistry(String source) {
        this.source = source;
    }

    /** Loads each partner's certificate; any unreadable or expired one stops the whole registry. */
    public static PartnerRegistry of(String source, List<Partner> partners) {
        return of(source, partners, Map.of());
    }

    /** @param held certificates kept as PEM text, by partner id */
    public static PartnerRegistry of(String source, List<Partner> partners, Map<String, HeldCertificates> held) {
        PartnerRegistry registry = new PartnerRegistry(source);
        Map<String, Partner> byId = new LinkedHashMap<>();
        for (Partner partner : partners) {
            byId.put(partner.id(), partner);
        }
        Map<String, HeldCertificates> certificates = new LinkedHashMap<>();
        held.forEach((id, pems) -> {
            if (byId.containsKey(id) && pems != null && !pems.isEmpty()) {
                certificates.put(id, pems);
            }
        });
        registry.state = registry.stateOf(byId, certificates);
        return registry;
    }

    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    /** Adds the partner, or replaces the one with its id, keeping any certificates the registry holds for it. */
    public void replace(Partner partner) {
        replace(partner, null);
    }

    /**
     * Adds or replaces the partner with these held certificates (null keeps those held now). Throws
     * {@link ConfigurationException} when a certificate cannot be used, and then nothing changes.
     */
    public void replace(Partner partner, HeldCertificates certificates) {
        if (Partner.GATEWAY_ID.equals(partner.id())) {
            throw new IllegalArgumentException("the gateway's own id is reserved");
        }
        Partner before;
        synchronized (this) {
            State now = state;
            before = now.byId().get(partner.id());
            Map<String, Partner> byId = new LinkedHashMap<>(now.byId());
            byId.put(partner.id(), partner);
            Map<String, HeldCertificates> held = new LinkedHashMap<>(now.held());
            if (certificates != null) {
                if (certificates.isEmpty()) {
                    held.remove(partner.id());
                } else {
                    held.put(partner.id(), certificates);
                }
            }
            state = stateOf(byId, held);
        }
        notify(before, partner);
    }

    /** Removes the partner; its certificate no longer identifies anyone. @return false when it was not registered */
    public boolean remove(String partnerId) {
        Partner before;
        synchronized (this) {
            State now = state;
            before = now.byId().get(partnerId);
            if (before == null) {
                return false;
            }
            Map<String, Partner> byId = new LinkedHashMap<>(now.byId());
            byId.remove(partnerId);
            Map<String, HeldCertificates> held = new LinkedHashMap<>(now.held());
            held.remove(partnerId);
            state = stateOf(byId, held);
        }
        notify(before, null);
        return true;
    }

    /**
     * Re-reads every partner's certificate file. On any problem the certificates in use stay as they were and the
     * problem is thrown; a partner whose file now holds a new certificate is identified by it from then on.
     */
    public synchronized void reloadCertificates() {
        State now = state;
        state = stateOf(now.byId(), now.held());
    }

    private void notify(Partner before, Partner after) {
        RuntimeException first = null;
        for (Listener listener : listeners) {
            try {
                listener.changed(before, after);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private State stateOf(Map<String, Partner> byId, Map<String, HeldCertificates> held) {
        Map<String, Partner> byFingerprint = new LinkedHashMap<>();
        Map<String, X509Certificate> certificates = new LinkedHashMap<>();
        Map<String, X509Certificate> encryption = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Partner partner : byId.values()) {
            HeldCertificates pems = held.getOrDefault(partner.id(), HeldCertificates.NONE);
            String where = pems.tlsPem() != null ? "held in the registry" : String.valueOf(partner.certificate());
            try {
                X509Certificate cert = pems.tlsPem() != null ? Pem.readCertificates(pems.tlsPem()).get(0)
                        : Pem.readCertificates(partner.certificate()).get(0);
                cert.checkValidity();
                String fingerprint = fingerprint(cert);
                Partner other = byFingerprint.putIfAbsent(fingerprint, partner);
                if (other != null) {
                    problems.add("partner '" + partner.id() + "': certificate is also registered to '" + other.id() + "'");
                }
                certificates.put(partner.id(), cert);
            } catch (Exception e) {
                problems.add("partner '" + partner.id() + "': certificate " + where
                        + " cannot be used (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
            }
            if (pems.encryptionPem() != null) {
                try {
                    encryption.put(partner.id(), Pem.readCertificates(pems.encryptionPem()).get(0));
                } catch (Exception e) {
                    problems.add("partner '" + partner.id() + "': encryption certificate held in the registry cannot be read ("
                            + e.getClass().getSimpleName() + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(source, problems);
        }
        return new State(Collections.unmodifiableMap(byId), Map.copyOf(held),
                new Identities(Map.copyOf(byFingerprint), Map.copyOf(certificates), Map.copyOf(encryption)));
    }

    public Optional<Partner> byId(String id) {
        return Optional.ofNullable(state.byId().get(id));
    }

    /** The partner whose registered certificate is exactly this one. */
    public Optional<Partner> byCertificate(X509Certificate certificate) {
        return Optional.ofNullable(state.identities().byFingerprint().get(fingerprint(certificate)));
    }

    /** Every partner now, in registration order; a snapshot, unchanged by later changes. */
    public Collection<Partner> all() {
        return state.byId().values();
    }

    public X509Certificate certificate(String partnerId) {
        return state.identities().certificates().get(partnerId);
    }

    /** The encryption certificate the registry holds as PEM for the partner; empty when it is read from a file. */
    public Optional<X509Certificate> heldEncryptionCertificate(String partnerId) {
        return Optional.ofNullable(state.identities().encryption().get(partnerId));
    }

    /** The PEM texts the registry holds for the partner. */
    public HeldCertificates held(String partnerId) {
        return state.held().getOrDefault(partnerId, HeldCertificates.NONE);
    }

    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate", e);
        }
    }
}
