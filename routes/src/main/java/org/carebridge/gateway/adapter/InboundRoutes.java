package org.carebridge.gateway.adapter;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.carebridge.connectors.inbound.GovernedIntake;
import org.carebridge.connectors.inbound.LastFiles;
import org.carebridge.connectors.inbound.Ssda903Inbound;
import org.carebridge.connectors.sftp.SftpInboundRouteTemplate;
import org.carebridge.connectors.ssda903.ChildrensHomes;
import org.carebridge.connectors.ssda903.CollectionYear;
import org.carebridge.connectors.ssda903.CollectionYears;
import org.carebridge.connectors.ssda903.Ssda903Settings;
import org.carebridge.connectors.ssda903.ZippedTables;
import org.carebridge.gateway.CarebridgeProperties;
import org.carebridge.gateway.delivery.PartnerRoute;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerInbound;
import org.carebridge.security.partner.PartnerRegistry;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * One inbound route per partner that sends its own format ({@code inbound:} in partners.yaml), made from the transport's
 * route template (route id {@code inbound-sftp-<partner>}). Every file ends at the governed intake port, as from that
 * partner; nothing an adapter reads reaches a recipient without a decision.
 */
@Component
public class InboundRoutes extends RouteBuilder {

    private final PartnerRegistry registry;
    private final GovernedIntake intake;
    private final CollectionYears years;
    private final ChildrensHomes homes;
    private final CarebridgeProperties properties;
    private final LastFiles lastFiles;

    public InboundRoutes(PartnerRegistry registry, GovernedIntake intake, CollectionYears years, ChildrensHomes homes,
                         CarebridgeProperties properties, LastFiles lastFiles) {
        this.lastFiles = lastFiles;
        this.registry = registry;
        this.intake = intake;
        this.years = years;
        this.homes = homes;
        this.properties = properties;
    }

    @Override
    public void configure() {
        for (Partner partner : registry.all()) {
            route(partner).ifPresent(route -> {
                TemplatedRouteDefinition templated = templatedRoute(route.templateId()).routeId(route.routeId());
                route.parameters().forEach(templated::parameter);
            });
        }
    }

    /**
     * The partner's inbound route ({@code inbound-sftp-<partner>}), with its file processor bound in the registry, or
     * empty for a partner that sends no files of its own.
     */
    public Optional<PartnerRoute> route(Partner partner) {
        PartnerInbound inbound = partner.inbound();
        if (inbound == null || !PartnerInbound.SFTP.equals(inbound.transport())) {
            return Optional.empty(); // posted formats (https) come through PostedFileController and the inbound-https route
        }
        CollectionYear year = years.year(inbound.collectionYear()).orElseThrow(() -> problem(partner,
                "inbound.collection-year " + inbound.collectionYear() + " has no code lists in formats/ssda903 (there are "
                        + years.names() + ")"));
        Ssda903Settings settings = new Ssda903Settings(partner.id(), partner.name(), partner.area(), year, null,
                Ssda903Settings.UnknownColumns.fromCode(inbound.unknownColumns()));
        Ssda903Inbound files = new Ssda903Inbound(intake, settings, inbound.newEpisodesWithin(), homes,
                Ssda903Inbound.Form.fromCode(inbound.format()), ZippedTables.Limits.DEFAULT, Clock.systemUTC(),
                PartnerInbound.SINCE_LAST_FILE.equals(inbound.newEpisodes()) ? lastFiles : null);
        getCamelContext().getRegistry().bind(SftpInboundRouteTemplate.filesBean(partner.id()), SftpInboundRouteTemplate.processor(files));
        return Optional.of(new PartnerRoute(SftpInboundRouteTemplate.TEMPLATE_ID, SftpInboundRouteTemplate.routeId(partner.id()), Map.ofEntries(
                Map.entry("partner", partner.id()),
                Map.entry("files", SftpInboundRouteTemplate.filesBean(partner.id())),
                Map.entry("host", inbound.host()),
                Map.entry("port", String.valueOf(inbound.port())),
                Map.entry("username", inbound.username()),
                Map.entry("password", password(partner, inbound.passwordFile())),
                Map.entry("knownHostsFile", inbound.knownHosts().toString()),
                Map.entry("outbox", inbound.folder()),
                Map.entry("ackFolder", inbound.ackFolder()),
                Map.entry("workDirectory", properties.dataDir().resolve("inbound-work").resolve(partner.id()).toString()),
                Map.entry("delay", String.valueOf(inbound.pollDelay().toMillis())))));
    }

    private static String password(Partner partner, Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw problem(partner, "inbound.password-file cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static ConfigurationException problem(Partner partner, String what) {
        return new ConfigurationException("partners.yaml", java.util.List.of("partner '" + partner.id() + "': " + what));
    }
}
