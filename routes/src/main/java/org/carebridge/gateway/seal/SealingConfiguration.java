package org.carebridge.gateway.seal;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.security.crypto.cms.SealOpener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

@Configuration(proxyBeanMethods = false)
public class SealingConfiguration {

    /** Depends on the PKI so that the dev-only keys exist before they are loaded. */
    @Bean
    GatewayKeys gatewayKeys(SealingProperties properties, GatewayPki pki) {
        return new GatewayKeys(properties);
    }

    @Bean
    SealOpener sealOpener(GatewayKeys keys, GatewayPki pki, SealingProperties properties) {
        List<X509CRL> crls = readCrls(properties.crls());
        return new SealOpener(keys.decryptionKeys(), pki::trustAnchors, () -> crls, Clock.systemUTC());
    }

    private static List<X509CRL> readCrls(List<Path> files) {
        List<X509CRL> crls = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                    crls.add((X509CRL) crl);
                }
            } catch (Exception e) {
                throw new IllegalStateException("CRL " + file + " cannot be read: " + e.getMessage(), e);
            }
        }
        return List.copyOf(crls);
    }
}
