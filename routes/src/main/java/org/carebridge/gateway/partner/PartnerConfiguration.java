package org.carebridge.gateway.partner;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.pki.PartnerPortTls;
import org.carebridge.security.agreement.AgreementLoader;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Path;
import java.util.List;

/** Configuration as data: the partner registry, the event code system and the agreements, all read from the config folder. */
@Configuration(proxyBeanMethods = false)
public class PartnerConfiguration {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    List<Partner> registeredPartners(CarebridgeProperties properties, Environment environment) {
        return new PartnerRegistryLoader(environment::getProperty).read(partnersFile(properties));
    }

    @Bean
    GatewayPki gatewayPki(CarebridgeProperties properties, List<Partner> registeredPartners) {
        return new GatewayPki(properties.pki(), registeredPartners.stream().map(Partner::id).toList());
    }

    @Bean
    PartnerRegistry partnerRegistry(CarebridgeProperties properties, List<Partner> registeredPartners, GatewayPki gatewayPki) {
        return PartnerRegistry.of(partnersFile(properties).toString(), registeredPartners);
    }

    @Bean
    EventCatalogue eventCatalogue(CarebridgeProperties properties, FhirContext fhirContext) {
        return EventCatalogue.load(properties.configDir().resolve("fhir/CodeSystem-carebridge-event.json"), fhirContext);
    }

    @Bean
    AgreementSet agreementSet(CarebridgeProperties properties, EventCatalogue eventCatalogue) {
        return new AgreementLoader(eventCatalogue.codes()).load(properties.configDir().resolve("agreements"));
    }

    @Bean
    PartnerPortTls partnerPortTls(GatewayPki gatewayPki, SslBundleRegistry sslBundleRegistry, SslBundles sslBundles) {
        return new PartnerPortTls(gatewayPki, sslBundleRegistry, sslBundles);
    }

    private static Path partnersFile(CarebridgeProperties properties) {
        return properties.configDir().resolve("partners.yaml");
    }
}
