package org.carebridge.gateway.seal;

import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.pki.Revocations;
import org.carebridge.security.crypto.cms.SealOpener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

@Configuration(proxyBeanMethods = false)
public class SealingConfiguration {

    /** Depends on the PKI so that the dev-only keys exist before they are loaded. */
    @Bean
    GatewayKeys gatewayKeys(SealingProperties properties, GatewayPki pki) {
        return new GatewayKeys(properties);
    }

    @Bean
    SealOpener sealOpener(GatewayKeys keys, GatewayPki pki, Revocations revocations) {
        return new SealOpener(keys.decryptionKeys(), pki::trustAnchors, revocations::lists, Clock.systemUTC());
    }
}
