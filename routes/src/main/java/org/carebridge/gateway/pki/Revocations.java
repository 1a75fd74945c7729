package org.carebridge.gateway.pki;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The certificate revocation lists in force ({@code carebridge.sealing.crls}), for partners' TLS client certificates
 * and for their signatures. The files are re-read when they change, so a revocation published by the CA holds without
 * a restart. A list that cannot be read at start stops the gateway; one that becomes unreadable later is reported and
 * the last good lists stay in force.
 */
@Component
public class Revocations {

    private static final Logger log = LoggerFactory.getLogger(Revocations.class);

    private final List<Path> files;
    private final long refreshNanos;
    private volatile Snapshot snapshot;

    /** The lists as read, with a version that changes whenever they do. */
    public record Snapshot(List<X509CRL> lists, List<FileTime> modified, long version, long checkedAt) {
    }

    public Revocations(Environment environment, @Value("${carebridge.sealing.crl-refresh:60s}") Duration refresh) {
        this.files = Binder.get(environment).bind("carebridge.sealing.crls", Bindable.listOf(Path.class)).orElse(List.of());
        this.refreshNanos = refresh.toNanos();
        this.snapshot = read(0);
    }

    /** The lists in force; re-read first when the refresh interval has passed and a file changed. */
    public Snapshot current() {
        Snapshot now = snapshot;
        if (files.isEmpty() || System.nanoTime() - now.checkedAt() < refreshNanos) {
            return now;
        }
        synchronized (this) {
            now = snapshot;
            if (System.nanoTime() - now.checkedAt() < refreshNanos) {
                return now;
            }
            try {
                if (!modified().equals(now.modified())) {
                    snapshot = read(now.version() + 1);
                    log.info("Certificate revocation lists re-read: {} list(s) in force", snapshot.lists().size());
                } else {
                    snapshot = new Snapshot(now.lists(), now.modified(), now.version(), System.nanoTime());
                }
            } catch (IllegalStateException e) {
                log.warn("Certificate revocation lists not re-read, the ones read before stay in force: {}", e.getMessage());
                snapshot = new Snapshot(now.lists(), now.modified(), now.version(), System.nanoTime());
            }
            return snapshot;
        }
    }

    public List<X509CRL> lists() {
        return current().lists();
    }

    /**
     * True when a list in force from the certificate's issuer revokes it. Checked on every partner request too, since a
     * kept-alive connection or a resumed TLS session does not go through the handshake's check again.
     */
    public boolean isRevoked(X509Certificate certificate) {
        for (X509CRL crl : lists()) {
            if (crl.getIssuerX500Principal().equals(certificate.getIssuerX500Principal()) && crl.isRevoked(certificate)) {
                return true;
            }
        }
        return false;
    }

    private List<FileTime> modified() {
        List<FileTime> times = new ArrayList<>();
        for (Path file : files) {
            try {
                times.add(Files.getLastModifiedTime(file));
            } catch (IOException e) {
                throw new IllegalStateException("CRL " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return times;
    }

    private Snapshot read(long version) {
        List<FileTime> times = modified();
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                    crls.add((X509CRL) crl);
                }
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("CRL " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return new Snapshot(List.copyOf(crls), List.copyOf(times), version, System.nanoTime());
    }
}
