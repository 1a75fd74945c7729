package org.carebridge.gateway.demo;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.seal.GatewayKeys;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "carebridge.demo-partners.enabled", havingValue = "true")
public class DemoPartnersConfiguration {

    @Bean
    DemoPartnerServer demoPartnerServer(CarebridgeProperties properties, PartnerRegistry registry, GatewayPki pki, FhirContext fhir,
                                        GatewayKeys gatewayKeys) {
        return new DemoPartnerServer(properties, registry, pki, fhir, gatewayKeys);
    }

    /** Dev-only: the console's "Send an example record", through intake as the example's own sender. */
    @Bean
    ExampleRecords exampleRecords(CarebridgeProperties properties, PartnerRegistry registry, org.apache.camel.ProducerTemplate intake,
                                  org.springframework.jdbc.core.JdbcTemplate jdbc) {
        return new ExampleRecords(properties, registry, intake, jdbc);
    }

    /** The demo partners with {@code endpoint.transport: mailbox} pull from their mailboxes on the gateway. */
    @Bean
    DemoMailboxPuller demoMailboxPuller(PartnerRegistry registry, GatewayPki pki, DemoPartnerServer partners,
                                        org.springframework.core.env.Environment environment) {
        return new DemoMailboxPuller(registry, pki, partners, environment);
    }

    /** Only where a demo partner drops files over SFTP ({@code inbound.transport: sftp}). */
    @Bean(destroyMethod = "close")
    DemoSftpServer demoSftpServer(CarebridgeProperties properties, PartnerRegistry registry,
                                  @org.springframework.beans.factory.annotation.Value("${carebridge.demo-partners.sftp-port}") int port) {
        return new DemoSftpServer(registry, properties.dataDir().resolve("demo-partners"), properties.pki().dir(), port);
    }

    /** The secure mailbox of the demo partners that take S/MIME email ({@code endpoint.transport: smtp}). */
    @Bean(destroyMethod = "close")
    DemoMailServer demoMailServer(PartnerRegistry registry,
                                  @org.springframework.beans.factory.annotation.Value("${carebridge.demo-partners.smtp-port}") int port) {
        return new DemoMailServer(registry, port);
    }
}
