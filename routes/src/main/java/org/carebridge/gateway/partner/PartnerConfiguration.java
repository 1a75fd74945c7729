package org.carebridge.gateway.partner;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.pki.PartnerPortTls;
import org.carebridge.security.agreement.AgreementLoader;
import io.micrometer.core.instrument.MeterRegistry;
import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.decision.DecisionEngine;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.minimisation.FieldProfiles;
import org.carebridge.security.fhir.GatewayCodeSystems;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.file.Path;
import java.util.List;

/**
 * Configuration as data: the partner registry (in the database, seeded from the config folder), the event code system and
 * the agreements, read from the config folder.
 */
@Configuration(proxyBeanMethods = false)
public class PartnerConfiguration {

    @Bean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    /** The registry in PostgreSQL, seeded from {@code partners.yaml} on first start. */
    @Bean
    PartnerStore partnerStore(JdbcTemplate jdbc, CarebridgeProperties properties, Environment environment) {
        PartnerStore store = new PartnerStore(jdbc, new PartnerRegistryLoader(environment::getProperty), "the partner registry");
        store.seedIfEmpty(partnersFile(properties));
        return store;
    }

    /** What the registry holds when the gateway starts; later changes reach the registry through PartnerRegistryFollower. */
    @Bean
    PartnerStore.Contents registryAtStart(PartnerStore partnerStore) {
        return partnerStore.contents();
    }

    @Bean
    List<Partner> registeredPartners(PartnerStore.Contents registryAtStart) {
        return registryAtStart.partners();
    }

    @Bean
    GatewayPki gatewayPki(CarebridgeProperties properties, List<Partner> registeredPartners) {
        return new GatewayPki(properties.pki(), registeredPartners.stream().map(Partner::id).toList());
    }

    @Bean
    PartnerRegistry partnerRegistry(PartnerStore partnerStore, PartnerStore.Contents registryAtStart, GatewayPki gatewayPki) {
        return PartnerRegistry.of(partnerStore.source(), registryAtStart.partners(), registryAtStart.held());
    }

    @Bean
    EventCatalogue eventCatalogue(CarebridgeProperties properties, FhirContext fhirContext) {
        return EventCatalogue.load(properties.configDir().resolve("fhir/CodeSystem-carebridge-event.json"), fhirContext);
    }

    @Bean
    GatewayCodeSystems gatewayCodeSystems(CarebridgeProperties properties, FhirContext fhirContext) {
        return GatewayCodeSystems.load(properties.configDir().resolve("fhir"), fhirContext);
    }

    @Bean
    CopyMinimiser copyMinimiser(GatewayCodeSystems gatewayCodeSystems) {
        return new CopyMinimiser(gatewayCodeSystems);
    }

    @Bean
    FieldProfiles fieldProfiles(CarebridgeProperties properties, FhirContext fhirContext) {
        return FieldProfiles.load(properties.configDir().resolve("profiles.yaml"),
                new SchemaCheck(properties.configDir().resolve("schema/profiles.schema.json")), fhirContext);
    }

    @Bean
    AgreementRegistry agreementRegistry(CarebridgeProperties properties, EventCatalogue eventCatalogue, List<Partner> registeredPartners,
                                        FieldProfiles fieldProfiles, FhirContext fhirContext, MeterRegistry meters,
                                        org.carebridge.gateway.audit.AuditTrail audit,
                                        org.springframework.jdbc.core.JdbcTemplate jdbc) {
        AgreementLoader loader = new AgreementLoader(eventCatalogue.codes(),
                registeredPartners.stream().map(Partner::id).collect(java.util.stream.Collectors.toSet()), fieldProfiles,
                new SchemaCheck(properties.configDir().resolve("schema/agreement.schema.json")), fhirContext);
        return new AgreementRegistry(loader, properties.configDir().resolve("agreements"), meters, audit, java.time.Clock.systemUTC(),
                org.carebridge.gateway.agreement.ApprovedAgreements.in(jdbc));
    }

    @Bean
    DecisionEngine decisionEngine(AgreementRegistry agreements, PartnerRegistry partnerRegistry, ConsentLookup consents,
                                  FhirContext fhirContext, MeterRegistry meters) {
        return new DecisionEngine(agreements::current, partnerRegistry, consents, fhirContext, new ConditionErrorMetrics(meters));
    }

    @Bean
    PartnerPortTls partnerPortTls(GatewayPki gatewayPki, SslBundleRegistry sslBundleRegistry, SslBundles sslBundles) {
        return new PartnerPortTls(gatewayPki, sslBundleRegistry, sslBundles);
    }

    private static Path partnersFile(CarebridgeProperties properties) {
        return properties.configDir().resolve("partners.yaml");
    }
}
