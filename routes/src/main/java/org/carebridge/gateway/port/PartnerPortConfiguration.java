package org.carebridge.gateway.port;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.fhir.OperationOutcomes;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.pki.Revocations;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import java.security.GeneralSecurityException;

/**
 * The partner port's own protections: readiness, per-partner limits, FHIR answers for Tomcat's refusals, and a trace
 * of refused TLS handshakes.
 */
@Configuration(proxyBeanMethods = false)
public class PartnerPortConfiguration {

    @Bean
    IntakeReadiness intakeReadiness(ApplicationAvailability availability, CamelContext camel, OperationOutcomes outcomes) {
        return new IntakeReadiness(availability, camel, outcomes);
    }

    @Bean
    FilterRegistrationBean<IntakeReadiness> intakeReadinessFilter(IntakeReadiness readiness) {
        FilterRegistrationBean<IntakeReadiness> registration = new FilterRegistrationBean<>(readiness);
        registration.addUrlPatterns("/*");
        // before the certificate check: nothing is looked up or recorded until the gateway is ready
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 5);
        return registration;
    }

    @Bean
    PartnerRequestLimits partnerRequestLimits(CarebridgeProperties properties, OperationOutcomes outcomes, MeterRegistry meters) {
        return new PartnerRequestLimits(properties.intake().partnerConcurrency(), properties.intake().bodyReadTimeout(), outcomes, meters);
    }

    @Bean
    FilterRegistrationBean<PartnerRequestLimits> partnerRequestLimitsFilter(PartnerRequestLimits limits) {
        FilterRegistrationBean<PartnerRequestLimits> registration = new FilterRegistrationBean<>(limits);
        registration.addUrlPatterns("/*");
        // after the certificate check, which names the partner
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
        return registration;
    }

    /** Tomcat's trust decision for client certificates, through {@link HandshakeRefusals} so that each refusal is traced. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> handshakeRefusalTrace(GatewayPki pki, Revocations revocations,
                                                                                    MeterRegistry meters) {
        return factory -> factory.addConnectorCustomizers(connector -> {
            if (!(connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> http)) {
                return;
            }
            for (SSLHostConfig host : http.findSslHostConfigs()) {
                for (SSLHostConfigCertificate certificate : host.getCertificates(true)) {
                    certificate.setSslContext(sslContext(pki, revocations, meters));
                }
            }
        });
    }

    private static PartnerPortSslContext sslContext(GatewayPki pki, Revocations revocations, MeterRegistry meters) {
        try {
            char[] inMemory = "in-memory".toCharArray();
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(pki.tlsIdentity().toKeyStore("gateway", inMemory), inMemory);
            PartnerTrust trust = new PartnerTrust(pki.trustAnchors(), revocations);
            return new PartnerPortSslContext(keys.getKeyManagers(), new TrustManager[]{new HandshakeRefusals(trust, meters)},
                    pki.tlsIdentity().chain(), pki.trustAnchors());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up the partner port's TLS", e);
        }
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> fhirErrorReports(OperationOutcomes outcomes) {
        return factory -> factory.addContextCustomizers(context -> {
            var pipeline = context.getParent().getPipeline();
            for (Valve valve : pipeline.getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof FhirErrorReportValve)) {
                    pipeline.removeValve(valve);
                }
            }
            pipeline.addValve(new FhirErrorReportValve(outcomes));
            context.getPipeline().addValve(new UnreadBodyValve());
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(FhirErrorReportValve.class.getName());
            }
        });
    }
}
