package org.carebridge.gateway.delivery;

import org.carebridge.connectors.https.PartnerHttpsTransport;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.audit.UnauthenticatedRefusals;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.partner.PartnerCertificateFilter;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.pki.Revocations;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
public class DeliveryConfiguration {

    @Bean
    PartnerHttpsTransport partnerHttpsTransport(GatewayPki pki, CarebridgeProperties properties) {
        // a connection for each of the partner queue's consumers
        return new PartnerHttpsTransport(pki.clientContext(), properties.delivery().connectTimeout(), properties.delivery().timeout(),
                properties.delivery().concurrentConsumers());
    }

    @Bean
    FilterRegistrationBean<PartnerCertificateFilter> partnerCertificateFilter(PartnerRegistry registry, OperationOutcomes outcomes,
                                                                              UnauthenticatedRefusals refusals,
                                                                              Revocations revocations) {
        FilterRegistrationBean<PartnerCertificateFilter> registration =
                new FilterRegistrationBean<>(new PartnerCertificateFilter(registry, outcomes, refusals, revocations));
        registration.addUrlPatterns("/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
