package org.carebridge.security;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.agreement.AgreementLoader;
import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.config.SchemaCheck;
import org.carebridge.security.consent.ConsentLookup;
import org.carebridge.security.consent.ConsentRecord;
import org.carebridge.security.consent.SubjectIdentifier;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.decision.DecisionEngine;
import org.carebridge.security.decision.MessageFacts;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.fhir.MessageAreas;
import org.carebridge.security.fhir.MessageSubjects;
import org.carebridge.security.fhir.GatewayCodeSystems;
import org.carebridge.security.minimisation.CopyMinimiser;
import org.carebridge.security.minimisation.FieldProfiles;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MessageHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/** The project's real configuration under ../config, as the tests see it from the security module. */
public final class RealConfig {

    public static final String DEMO_BASE_URL = "https://localhost:9443";
    /** How a message's MessageHeader.source.endpoint names its sender. */
    public static final String PARTNER_ENDPOINT_PREFIX = "urn:carebridge:partner:";

    private RealConfig() {
    }

    public static FhirContext fhir() {
        return FhirContext.forR4Cached();
    }

    public static Path dir() {
        return Path.of("..", "config").toAbsolutePath().normalize();
    }

    public static Path partnersYaml() {
        return dir().resolve("partners.yaml");
    }

    public static Path agreementsDir() {
        return dir().resolve("agreements");
    }

    public static Path profilesYaml() {
        return dir().resolve("profiles.yaml");
    }

    public static Path agreementSchemaFile() {
        return dir().resolve("schema").resolve("agreement.schema.json");
    }

    public static Path profilesSchemaFile() {
        return dir().resolve("schema").resolve("profiles.schema.json");
    }

    public static Path eventCodeSystem() {
        return dir().resolve("fhir").resolve("CodeSystem-carebridge-event.json");
    }

    /** The example messages (FLOWS.md): every Bundle under config/examples, by file name. */
    public static List<Path> messageExamples() throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir().resolve("examples"))) {
            List<Path> bundles = new java.util.ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                if (org.carebridge.security.fhir.FhirJsonTree.read(java.nio.file.Files.readAllBytes(file)).path("resourceType").asText()
                        .equals("Bundle")) {
                    bundles.add(file);
                }
            }
            return bundles;
        }
    }

    public static Path example(String fileName) {
        return dir().resolve("examples").resolve(fileName);
    }

    public static Path examplePlacementNotification() {
        return example("placement-notification.json");
    }

    public static String exampleText(String fileName) {
        try {
            return Files.readString(example(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An example message parsed as a HAPI R4 Bundle (a fresh copy each call). */
    public static Bundle exampleBundle(String fileName) {
        return fhir().newJsonParser().parseResource(Bundle.class, exampleText(fileName));
    }

    public static EventCatalogue events() {
        return Holder.EVENTS;
    }

    public static SchemaCheck agreementSchema() {
        return Holder.AGREEMENT_SCHEMA;
    }

    public static SchemaCheck profilesSchema() {
        return Holder.PROFILES_SCHEMA;
    }

    /** The real field profiles, loaded with the real schema and checked against FHIR R4 (loaded once). */
    public static FieldProfiles profiles() {
        return Holder.PROFILES;
    }

    /** The CareBridge code systems under config/fhir. */
    public static GatewayCodeSystems codeSystems() {
        return Holder.CODE_SYSTEMS;
    }

    /** A minimiser with the shipped code systems, as the gateway builds it. */
    public static CopyMinimiser minimiser() {
        return new CopyMinimiser(codeSystems());
    }

    /** The ids of the partners in the real partners.yaml. */
    public static Set<String> partnerIds() {
        return partners(Path.of("/nonexistent-pki")).stream().map(Partner::id).collect(Collectors.toUnmodifiableSet());
    }

    /** An agreement loader over the real events, real partner ids, real profiles and real schema. */
    public static AgreementLoader agreementLoader() {
        return new AgreementLoader(events().codes(), partnerIds(), profiles(), agreementSchema(), fhir());
    }

    /** The real agreements folder, loaded with {@link #agreementLoader()}. */
    public static AgreementSet agreements() {
        return agreementLoader().load(agreementsDir());
    }

    /** The real partner list, with certificates expected under {@code pkiDir}. */
    public static List<Partner> partners(Path pkiDir) {
        Map<String, String> values = Map.of(
                "carebridge.demo-partners.base-url", DEMO_BASE_URL,
                "carebridge.pki.dir", pkiDir.toString());
        return new PartnerRegistryLoader(values::get).read(partnersYaml());
    }

    /** The real partners, with certificates freshly issued by a {@link DevPki} in {@code pkiDir}. */
    public static PartnerRegistry registry(Path pkiDir) {
        List<Partner> partners = partners(pkiDir);
        new DevPki(pkiDir).ensure(partners.stream().map(Partner::id).toList());
        return PartnerRegistry.of(partnersYaml().toString(), partners);
    }

    /** A decision engine over these agreements and partners, with consents from {@code consents}. */
    public static DecisionEngine engine(AgreementSet agreements, PartnerRegistry registry, ConsentLookup consents) {
        return new DecisionEngine(() -> agreements, registry, consents, fhir());
    }

    /** The facts of a message as the routes module builds them; the sender is named by MessageHeader.source.endpoint. */
    public static MessageFacts facts(Bundle bundle, PartnerRegistry registry, Instant at) {
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        String endpoint = header.getSource().getEndpoint();
        if (endpoint == null || !endpoint.startsWith(PARTNER_ENDPOINT_PREFIX)) {
            throw new IllegalArgumentException("the example's MessageHeader.source.endpoint does not name a partner: " + endpoint);
        }
        Partner sender = registry.byId(endpoint.substring(PARTNER_ENDPOINT_PREFIX.length())).orElseThrow();
        return facts(bundle, sender, at);
    }

    public static MessageFacts facts(Bundle bundle, Partner sender, Instant at) {
        MessageHeader header = (MessageHeader) bundle.getEntryFirstRep().getResource();
        return new MessageFacts(header.getEventCoding().getCode(), sender,
                MessageAreas.responsibleArea(bundle).orElse(sender.area()),
                MessageAreas.receivingArea(bundle).orElse(null),
                bundle, MessageSubjects.identifiers(bundle), MessageSubjects.override(header).orElse(null), at);
    }

    /** A consent registry in memory: every record whose subject is one of the identifiers asked about. */
    public static final class InMemoryConsents implements ConsentLookup {

        private final List<ConsentRecord> records = new CopyOnWriteArrayList<>();

        public InMemoryConsents(ConsentRecord... records) {
            this.records.addAll(List.of(records));
        }

        public InMemoryConsents add(ConsentRecord record) {
            records.add(record);
            return this;
        }

        @Override
        public List<ConsentRecord> forSubjects(Collection<SubjectIdentifier> subjects) {
            Set<SubjectIdentifier> wanted = new HashSet<>(subjects);
            return records.stream().filter(r -> wanted.contains(r.subject())).toList();
        }
    }

    private static final class Holder {
        static final EventCatalogue EVENTS = EventCatalogue.load(eventCodeSystem(), fhir());
        static final SchemaCheck AGREEMENT_SCHEMA = new SchemaCheck(agreementSchemaFile());
        static final SchemaCheck PROFILES_SCHEMA = new SchemaCheck(profilesSchemaFile());
        static final FieldProfiles PROFILES = FieldProfiles.load(profilesYaml(), PROFILES_SCHEMA, fhir());
        static final GatewayCodeSystems CODE_SYSTEMS = GatewayCodeSystems.load(dir().resolve("fhir"), fhir());
    }
}
