package org.carebridge.security;

import ca.uhn.fhir.context.FhirContext;
import org.carebridge.security.crypto.DevPki;
import org.carebridge.security.fhir.EventCatalogue;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.PartnerRegistryLoader;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The project's real configuration under ../config, as the tests see it from the security module. */
public final class RealConfig {

    public static final String DEMO_BASE_URL = "https://localhost:9443";

    private RealConfig() {
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

    public static Path eventCodeSystem() {
        return dir().resolve("fhir").resolve("CodeSystem-carebridge-event.json");
    }

    public static Path examplePlacementNotification() {
        return dir().resolve("examples").resolve("placement-notification.json");
    }

    public static EventCatalogue events() {
        return EventCatalogue.load(eventCodeSystem(), FhirContext.forR4Cached());
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
}
