package org.carebridge.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.partner.PartnerRegistryFollower;
import org.carebridge.gateway.partner.PartnerStore;
import org.carebridge.security.config.ConfigurationException;
import org.carebridge.security.config.Placeholders;
import org.carebridge.security.crypto.Pem;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.CopyOrder;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Administrators add, edit and retire partners, and upload their certificates, live. A change is checked as the
 * partners file would be (the same loader) and each certificate with {@link CertificateChecks}; only then is it
 * stored, recorded as a CONFIG_CHANGED ledger entry (who, which partner, the settings before and after), and applied
 * to this node's registry at once (other nodes follow within {@code carebridge.registry.refresh}). A refused change
 * changes nothing.
 *
 * <p>Editing changes only the settings the form holds; every other setting in the partner's entry (an inbound feed,
 * transport settings added by other features) is kept as it is.
 */
@Component
public class PartnerRegistration {

    private static final Logger log = LoggerFactory.getLogger(PartnerRegistration.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    private static final Pattern AREA = Pattern.compile("[EWSN]\\d{8}");
    private static final int MAX_NAME = 200;

    /** Endpoint formats the console offers; the loader is the final judge of what a transport takes. */
    public static final List<String> FORMATS = List.of("fhir-json");
    public static final List<String> DELIVERY = List.of("sealed", "plain-mtls");

    /**
     * A partner's settings as the form and the API send them. On an edit a null value keeps the current setting; a
     * certificate left empty keeps the one registered.
     */
    public record PartnerForm(String id, String name, String kind, String area, String endpointUrl, String transport,
                              String format, String delivery, List<String> roles, String tlsCertificate,
                              String encryptionCertificate, String reason, String deliveryOrder) {
    }

    /** Every problem with a change at once, each naming its field. */
    public static class Invalid extends Refused {
        private final List<Refused> problems;

        public Invalid(List<Refused> problems) {
            super(problems.get(0).field(), problems.get(0).getMessage());
            this.problems = List.copyOf(problems);
        }

        public List<Refused> problems() {
            return problems;
        }
    }

    private final PartnerStore store;
    private final PartnerRegistry registry;
    private final PartnerRegistryFollower follower;
    private final CertificateChecks certificates;
    private final ConsoleActions actions;
    private final AuditTrail audit;
    private final TransactionTemplate transaction;
    private final Environment environment;
    private final DevelopmentCertificates development;

    public PartnerRegistration(PartnerStore store, PartnerRegistry registry, PartnerRegistryFollower follower,
                               CertificateChecks certificates, ConsoleActions actions, AuditTrail audit,
                               TransactionTemplate transaction, Environment environment, DevelopmentCertificates development) {
        this.development = development;
        this.store = store;
        this.registry = registry;
        this.follower = follower;
        this.certificates = certificates;
        this.actions = actions;
        this.audit = audit;
        this.transaction = transaction;
        this.environment = environment;
    }

    /** The form for a partner's current settings (placeholders as stored, certificates not repeated). */
    public PartnerForm formOf(String partnerId) {
        PartnerStore.Row row = active(partnerId);
        ObjectNode document = PartnerStore.document(row.document());
        JsonNode endpoint = document.path("endpoint");
        List<String> roles = new ArrayList<>();
        document.path("roles").forEach(r -> roles.add(r.asText()));
        return new PartnerForm(partnerId, text(document, "name"), text(document, "kind"), text(document, "area"),
                text(endpoint, "url"), text(endpoint, "transport"), text(endpoint, "format"),
                text(endpoint, "delivery") == null ? "sealed" : text(endpoint, "delivery"), roles, null, null, null,
                text(document, "delivery-order") == null ? CopyOrder.ANY.code() : text(document, "delivery-order"));
    }

    public Partner create(PartnerForm form, Actor actor) {
        return create(form, actor, false).partner();
    }

    /** A partner added, and when the dev CA issued its certificates, the PKCS#12 password to show once. */
    public record Created(Partner partner, DevelopmentCertificates.Issued development) {
    }

    /**
     * Adds a partner; with {@code issueDevelopmentCertificate} (dev CA only) its TLS client and encryption certificates
     * are issued for it once every other check has passed, instead of being pasted or uploaded.
     */
    public Created create(PartnerForm form, Actor actor, boolean issueDevelopmentCertificate) {
        List<Refused> problems = new ArrayList<>();
        String id = trim(form.id());
        if (id == null) {
            problems.add(new Refused("id", "Enter a partner id"));
        } else if (!ID.matcher(id).matches()) {
            problems.add(new Refused("id", "The partner id must be 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit"));
        } else if (Partner.GATEWAY_ID.equals(id) || store.row(id).isPresent() || registry.byId(id).isPresent()) {
            problems.add(new Refused("id", "The partner id " + id + " is already taken: choose another"));
        }
        ObjectNode document = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        document.put("id", id == null ? "" : id);
        apply(form, document, true, problems);
        String delivery = text(document.path("endpoint"), "delivery") == null ? "sealed" : "plain-mtls";
        CertificateChecks.Checked tls = null;
        CertificateChecks.Checked encryption = null;
        if (issueDevelopmentCertificate) {
            if (!development.available()) {
                problems.add(new Refused("developmentCertificate", "Development certificates are issued only in the embedded default "
                        + "(the dev CA): upload the partner's own certificates"));
            } else if (!blank(form.tlsCertificate()) || !blank(form.encryptionCertificate())) {
                problems.add(new Refused("developmentCertificate", "Either issue a development certificate or give the partner's own "
                        + "certificates, not both"));
            }
        } else {
            tls = certificate(form.tlsCertificate(), CertificateChecks.Use.TLS, true, problems);
            encryption = certificate(form.encryptionCertificate(), CertificateChecks.Use.ENCRYPTION, delivery.equals("sealed"), problems);
        }
        String reason = reason(form.reason(), problems);
        refuseIf(problems);
        DevelopmentCertificates.Issued issued = null;
        if (issueDevelopmentCertificate) {
            issued = development.issue(id);
            // checked as an upload is: the dev CA is one the gateway trusts
            tls = certificates.check(issued.tlsPem(), CertificateChecks.Use.TLS);
            encryption = certificates.check(issued.encryptionPem(), CertificateChecks.Use.ENCRYPTION);
        }
        Partner partner = commit(ConsoleActions.Kind.PARTNER_CREATE, "partner-created", id, null, document,
                tls == null ? null : tls.pem(), encryption == null ? null : encryption.pem(), actor, reason);
        if (issued != null) {
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(id)
                    .outcome("development-certificate-issued", "partner=" + id + " dev-only tls=sha256:"
                            + DevelopmentCertificates.fingerprint(issued.tlsPem()) + " encryption=sha256:"
                            + DevelopmentCertificates.fingerprint(issued.encryptionPem())));
            log.info("{} ({}) had dev-only certificates issued for partner {}", actor.name(), actor.role(), id);
        }
        return new Created(partner, issued);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    public Partner edit(String partnerId, PartnerForm form, Actor actor) {
        return edit(partnerId, form, actor, ConsoleActions.Kind.PARTNER_EDIT);
    }

    private Partner edit(String partnerId, PartnerForm form, Actor actor, ConsoleActions.Kind kind) {
        PartnerStore.Row before = active(partnerId);
        ObjectNode document = PartnerStore.document(before.document());
        List<Refused> problems = new ArrayList<>();
        if (form.id() != null && !form.id().isBlank() && !form.id().strip().equals(partnerId)) {
            problems.add(new Refused("id", "A partner's id cannot be changed"));
        }
        apply(form, document, false, problems);
        CertificateChecks.Checked tls = certificate(form.tlsCertificate(), CertificateChecks.Use.TLS, false, problems);
        CertificateChecks.Checked encryption = certificate(form.encryptionCertificate(), CertificateChecks.Use.ENCRYPTION, false, problems);
        boolean plain = "plain-mtls".equals(text(document.path("endpoint"), "delivery"));
        if (!plain && encryption == null && before.encryptionPem() == null && text(document, "encryption-certificate") == null) {
            problems.add(new Refused("encryptionCertificate", "Paste the encryption certificate: copies to this partner are sealed to it"));
        }
        String reason = reason(form.reason(), problems);
        refuseIf(problems);
        if (tls != null) {
            document.remove("certificate");
        }
        if (encryption != null) {
            document.remove("encryption-certificate");
        }
        String tlsPem = tls != null ? tls.pem() : before.tlsPem();
        String encryptionPem = encryption != null ? encryption.pem() : before.encryptionPem();
        if (PartnerStore.yaml(document).equals(before.document()) && Objects.equals(tlsPem, before.tlsPem())
                && Objects.equals(encryptionPem, before.encryptionPem())) {
            throw new Refused(null, "These are the partner's settings already: nothing was changed");
        }
        return commit(kind, "partner-changed", partnerId, before, document, tlsPem, encryptionPem, actor, reason);
    }

    /** Registers a new certificate for one use, checked as on the forms. */
    public Partner uploadCertificate(String partnerId, CertificateChecks.Use use, String pem, Actor actor, String reason) {
        PartnerForm form = new PartnerForm(null, null, null, null, null, null, null, null, null,
                use == CertificateChecks.Use.TLS ? nonNull(pem) : null, use == CertificateChecks.Use.ENCRYPTION ? nonNull(pem) : null, reason, null);
        if (pem == null || pem.isBlank()) {
            throw new Refused(use.field(), "Paste the " + use.label() + " (PEM)");
        }
        return edit(partnerId, form, actor, ConsoleActions.Kind.PARTNER_CERTIFICATE);
    }

    /** Takes the partner out of service: its route stops and its certificate identifies no one. Its id stays taken. */
    public void retire(String partnerId, Actor actor, String reason) {
        PartnerStore.Row before = active(partnerId);
        String why = Reasons.check(reason);
        PartnerStore.Row row = transaction.execute(tx -> {
            UUID action = actions.record(ConsoleActions.Kind.PARTNER_RETIRE, actor, "partner=" + partnerId, why);
            PartnerStore.Row saved = store.save(partnerId, PartnerStore.document(before.document()), before.tlsPem(),
                    before.encryptionPem(), true, actor.name(), action);
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(partnerId)
                    .outcome("partner-retired", "partner=" + partnerId + " before=in-service after=retired action=" + action));
            return saved;
        });
        follower.apply(row);
        log.info("{} ({}) retired partner {}", actor.name(), actor.role(), partnerId);
    }

    /** Every partner in service as a {@code partners:} document the loader accepts, certificates held here inline as PEM. */
    public String export() {
        return store.export(store.rows().stream().filter(r -> !r.retired()).toList());
    }

    /**
     * Adds the partners of a {@code partners:} document (the export format) that are new, and replaces the entries of
     * those that differ; partners the document leaves out stay as they are. The whole document is checked first, the
     * loader's problems and each inline certificate's, and any problem refuses all of it.
     *
     * @return the ids of the partners added or changed
     */
    public List<String> importDocument(String yaml, Actor actor, String reason) {
        String why = Reasons.check(reason);
        if (yaml == null || yaml.isBlank()) {
            throw new Refused("document", "Send a partners.yaml document");
        }
        List<Partner> partners;
        try {
            partners = store.parseDocument("the imported document", yaml);
        } catch (ConfigurationException e) {
            throw new Invalid(e.problems().stream().map(p -> new Refused("document", p)).toList());
        }
        record Change(String id, PartnerStore.Row before, ObjectNode document, String tlsPem, String encryptionPem) {
        }
        List<Change> changes = new ArrayList<>();
        List<Refused> problems = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : PartnerStore.tree("the imported document", yaml).path("partners")) {
            ObjectNode document = ((ObjectNode) entry).deepCopy();
            String id = document.path("id").asText();
            String tlsPem = inline(document, PartnerStore.TLS_PEM, CertificateChecks.Use.TLS, id, problems);
            String encryptionPem = inline(document, PartnerStore.ENCRYPTION_PEM, CertificateChecks.Use.ENCRYPTION, id, problems);
            PartnerStore.Row before = store.row(id).orElse(null);
            if (before != null && before.retired()) {
                problems.add(new Refused("document", "partner '" + id + "': the id belongs to a retired partner and cannot be used again"));
            } else if (before == null || !PartnerStore.yaml(document).equals(before.document())
                    || !Objects.equals(tlsPem, before.tlsPem()) || !Objects.equals(encryptionPem, before.encryptionPem())) {
                try {
                    checkIdentity(partners.get(index), new PartnerRegistry.HeldCertificates(tlsPem, encryptionPem));
                } catch (Refused e) {
                    problems.add(new Refused("document", "partner '" + id + "': " + e.getMessage()));
                }
                changes.add(new Change(id, before, document, tlsPem, encryptionPem));
            }
            index++;
        }
        refuseIf(problems);
        List<PartnerStore.Row> rows = transaction.execute(tx -> {
            UUID action = actions.record(ConsoleActions.Kind.PARTNER_IMPORT, actor, "partners=" + changes.size(), why);
            List<PartnerStore.Row> saved = new ArrayList<>();
            for (Change change : changes) {
                saved.add(store.save(change.id(), change.document(), change.tlsPem(), change.encryptionPem(), false, actor.name(), action));
                Map<String, String> was = change.before() == null ? Map.of() : summary(PartnerStore.document(change.before().document()),
                        change.before().tlsPem(), change.before().encryptionPem());
                audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(change.id())
                        .outcome(change.before() == null ? "partner-created" : "partner-changed", "partner=" + change.id() + " action="
                                + action + " imported " + difference(was, summary(change.document(), change.tlsPem(), change.encryptionPem()))));
            }
            return saved;
        });
        rows.forEach(follower::apply);
        log.info("{} ({}) imported {} partner entries", actor.name(), actor.role(), rows.size());
        return rows.stream().map(PartnerStore.Row::partnerId).toList();
    }

    /** Takes an inline PEM out of the entry (the registry keeps it beside the entry), checked as an upload is. */
    private String inline(ObjectNode document, String field, CertificateChecks.Use use, String id, List<Refused> problems) {
        JsonNode pem = document.remove(field);
        if (pem == null || pem.isNull()) {
            return null;
        }
        try {
            return certificates.check(pem.asText(), use).pem();
        } catch (Refused e) {
            problems.add(new Refused("document", "partner '" + id + "': " + e.getMessage()));
            return null;
        }
    }

    private Partner commit(ConsoleActions.Kind kind, String outcome, String id, PartnerStore.Row before, ObjectNode document,
                           String tlsPem, String encryptionPem, Actor actor, String reason) {
        PartnerStore.Row candidate = new PartnerStore.Row(id, PartnerStore.yaml(document), tlsPem, encryptionPem, false, 0);
        Partner partner;
        try {
            partner = store.parse(candidate);
        } catch (ConfigurationException e) {
            String prefix = "partner '" + id + "': ";
            throw new Invalid(e.problems().stream().map(p -> new Refused(null, p.startsWith(prefix) ? p.substring(prefix.length()) : p)).toList());
        }
        checkIdentity(partner, candidate.held());
        Map<String, String> after = summary(document, tlsPem, encryptionPem);
        Map<String, String> was = before == null ? Map.of() : summary(PartnerStore.document(before.document()), before.tlsPem(), before.encryptionPem());
        PartnerStore.Row row = transaction.execute(tx -> {
            UUID action = actions.record(kind, actor, "partner=" + id, reason);
            PartnerStore.Row saved = store.save(id, document, tlsPem, encryptionPem, false, actor.name(), action);
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).recipient(id)
                    .outcome(outcome, "partner=" + id + " action=" + action + " " + difference(was, after)));
            return saved;
        });
        follower.apply(row);
        log.info("{} ({}) {} partner {}", actor.name(), actor.role(), before == null ? "added" : "changed", id);
        return registry.byId(id).orElse(partner);
    }

    /** The certificate must be usable by the registry and identify no other partner. */
    private void checkIdentity(Partner partner, PartnerRegistry.HeldCertificates held) {
        X509Certificate certificate;
        try {
            certificate = PartnerRegistry.of(store.source(), List.of(partner), Map.of(partner.id(), held)).certificate(partner.id());
        } catch (ConfigurationException e) {
            throw new Refused("tlsCertificate", "The TLS client certificate cannot be used: " + String.join("; ", e.problems()));
        }
        registry.byCertificate(certificate).filter(other -> !other.id().equals(partner.id())).ifPresent(other -> {
            throw new Refused("tlsCertificate", "This TLS client certificate already identifies the partner " + other.id()
                    + ": each partner needs its own");
        });
    }

    private void apply(PartnerForm form, ObjectNode document, boolean creating, List<Refused> problems) {
        if (creating || form.name() != null) {
            String name = trim(form.name());
            if (name == null) {
                problems.add(new Refused("name", "Enter the partner's name"));
            } else if (name.length() > MAX_NAME) {
                problems.add(new Refused("name", "The name must be " + MAX_NAME + " characters or fewer"));
            } else {
                document.put("name", name);
            }
        }
        if (creating || form.kind() != null) {
            String kind = trim(form.kind());
            if (kind == null || AgencyKind.fromCode(kind).isEmpty()) {
                problems.add(new Refused("kind", "Select the kind of agency"));
            } else {
                document.put("kind", kind);
            }
        }
        if (creating || form.area() != null) {
            String area = trim(form.area());
            if (area == null) {
                problems.add(new Refused("area", "Enter the area's local authority code"));
            } else if (!AREA.matcher(area).matches()) {
                problems.add(new Refused("area", "Enter the area as a local authority code, like E10000020"));
            } else {
                document.put("area", area);
            }
        }
        ObjectNode endpoint = document.path("endpoint") instanceof ObjectNode existing ? existing : document.putObject("endpoint");
        if (creating || form.endpointUrl() != null) {
            String url = trim(form.endpointUrl());
            if (url == null) {
                problems.add(new Refused("endpointUrl", "Enter the endpoint URL"));
            } else if (!https(url)) {
                problems.add(new Refused("endpointUrl", "The endpoint URL must be an HTTPS address, starting https://"));
            } else {
                endpoint.put("url", url);
            }
        }
        if (creating || form.transport() != null) {
            String transport = trim(form.transport());
            if (transport == null || Transport.fromCode(transport).isEmpty()) {
                problems.add(new Refused("transport", "Select how copies are sent: one of " + Transport.codes()));
            } else {
                endpoint.put("transport", transport);
            }
        }
        if (creating || form.format() != null) {
            String format = trim(form.format());
            if (format == null) {
                problems.add(new Refused("format", "Select the format copies are sent in"));
            } else {
                endpoint.put("format", format);
            }
        }
        if (creating || form.delivery() != null) {
            String delivery = trim(form.delivery()) == null ? "sealed" : trim(form.delivery());
            if (!DELIVERY.contains(delivery)) {
                problems.add(new Refused("delivery", "Select sealed or plain delivery"));
            } else if (delivery.equals("plain-mtls")) {
                endpoint.put("delivery", "plain-mtls");
            } else {
                endpoint.remove("delivery");
            }
        }
        if (creating || form.deliveryOrder() != null) {
            String order = trim(form.deliveryOrder()) == null ? CopyOrder.ANY.code() : trim(form.deliveryOrder());
            if (CopyOrder.fromCode(order).isEmpty()) {
                problems.add(new Refused("deliveryOrder", "Select the order copies are delivered in: one of " + CopyOrder.codes()));
            } else if (order.equals(CopyOrder.ANY.code())) {
                document.remove("delivery-order");
            } else {
                document.put("delivery-order", order);
            }
        }
        if (creating || form.roles() != null) {
            TreeSet<String> roles = new TreeSet<>();
            for (String role : form.roles() == null ? List.<String>of() : form.roles()) {
                if (role == null || role.isBlank()) {
                    continue;
                }
                if (!Partner.KNOWN_ROLES.contains(role.strip())) {
                    problems.add(new Refused("roles", "The role " + safe(role) + " is not one of " + new TreeSet<>(Partner.KNOWN_ROLES)));
                } else {
                    roles.add(role.strip());
                }
            }
            if (roles.isEmpty()) {
                document.remove("roles");
            } else {
                ArrayNode list = document.putArray("roles");
                roles.forEach(list::add);
            }
        }
    }

    private boolean https(String url) {
        try {
            URI uri = URI.create(Placeholders.resolve(url, environment::getProperty));
            return "https".equals(uri.getScheme()) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private CertificateChecks.Checked certificate(String pem, CertificateChecks.Use use, boolean required, List<Refused> problems) {
        if (pem == null || pem.isBlank()) {
            if (required) {
                problems.add(new Refused(use.field(), use == CertificateChecks.Use.TLS
                        ? "Paste the partner's TLS client certificate (PEM): it identifies the partner's system"
                        : "Paste the partner's encryption certificate (PEM), or choose plain delivery"));
            }
            return null;
        }
        try {
            return certificates.check(pem, use);
        } catch (Refused e) {
            problems.add(e);
            return null;
        }
    }

    private static String reason(String reason, List<Refused> problems) {
        try {
            return Reasons.check(reason);
        } catch (Refused e) {
            problems.add(e);
            return null;
        }
    }

    private static void refuseIf(List<Refused> problems) {
        if (!problems.isEmpty()) {
            throw new Invalid(problems);
        }
    }

    private PartnerStore.Row active(String partnerId) {
        if (partnerId == null || partnerId.isBlank()) {
            throw new Refused("partner", "Choose a partner");
        }
        return store.row(partnerId).filter(r -> !r.retired())
                .orElseThrow(() -> new Refused("partner", "There is no partner with the id " + safe(partnerId)));
    }

    /** The settings the ledger names: agency settings and certificate fingerprints, nothing personal. */
    private static Map<String, String> summary(ObjectNode document, String tlsPem, String encryptionPem) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("name", text(document, "name"));
        summary.put("kind", text(document, "kind"));
        summary.put("area", text(document, "area"));
        summary.put("endpoint.url", text(document.path("endpoint"), "url"));
        summary.put("endpoint.transport", text(document.path("endpoint"), "transport"));
        summary.put("endpoint.format", text(document.path("endpoint"), "format"));
        summary.put("endpoint.delivery", text(document.path("endpoint"), "delivery") == null ? "sealed" : "plain-mtls");
        summary.put("delivery-order", text(document, "delivery-order") == null ? CopyOrder.ANY.code() : text(document, "delivery-order"));
        List<String> roles = new ArrayList<>();
        document.path("roles").forEach(r -> roles.add(r.asText()));
        summary.put("roles", roles.toString());
        summary.put("tls", tlsPem != null ? "sha256:" + fingerprint(tlsPem) : "file " + text(document, "certificate"));
        summary.put("encryption", encryptionPem != null ? "sha256:" + fingerprint(encryptionPem)
                : text(document, "encryption-certificate") == null ? "none" : "file " + text(document, "encryption-certificate"));
        return summary;
    }

    private static String difference(Map<String, String> before, Map<String, String> after) {
        StringBuilder text = new StringBuilder();
        for (var entry : after.entrySet()) {
            String was = before.get(entry.getKey());
            if (!Objects.equals(was, entry.getValue())) {
                text.append(text.isEmpty() ? "" : "; ").append(entry.getKey()).append(": ")
                        .append(before.isEmpty() ? "" : was + " -> ").append(entry.getValue());
            }
        }
        return (before.isEmpty() ? "before=none after=" : "changed=") + text;
    }

    private static String fingerprint(String pem) {
        try {
            return PartnerRegistry.fingerprint(Pem.readCertificates(pem).get(0)).substring(0, 16);
        } catch (Exception e) {
            return "unreadable";
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }

    private static String safe(String value) {
        return value.length() > 64 || !value.matches("[A-Za-z0-9._-]+") ? "given" : "'" + value + "'";
    }
}
