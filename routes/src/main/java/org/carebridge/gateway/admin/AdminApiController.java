package org.carebridge.gateway.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carebridge.gateway.ig.IgRole;
import org.carebridge.gateway.record.DeliveryState;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.HttpMediaTypeNotSupportedException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin API: everything the console's operator and administrator pages do, for scripts. HTTP Basic with the same
 * users and roles as the console; changes take JSON bodies only (a cross-site form cannot send one), and errors are
 * problem responses (RFC 9457).
 */
@RestController
@RequestMapping(path = "/admin/api", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "CareBridge admin API")
public class AdminApiController {

    private static final int MAX_LIMIT = 500;

    private final DeadLetters deadLetters;
    private final DeliveryOverview overview;
    private final PartnerAdministration partners;
    private final PartnerRegistration registration;
    private final CertificateList certificates;

    private ConnectionTests connectionTests;
    private DevelopmentCertificates development;

    @Autowired
    void connectionTests(ConnectionTests connectionTests, DevelopmentCertificates development) {
        this.connectionTests = connectionTests;
        this.development = development;
    }

    public AdminApiController(DeadLetters deadLetters, DeliveryOverview overview, PartnerAdministration partners,
                              PartnerRegistration registration, CertificateList certificates) {
        this.deadLetters = deadLetters;
        this.overview = overview;
        this.partners = partners;
        this.registration = registration;
        this.certificates = certificates;
    }

    @GetMapping("/dead-letters")
    @Operation(summary = "Dead-lettered copies, newest first, filtered by partner, event and the day they were dead-lettered")
    public DeadLetters.Page deadLetters(@RequestParam(required = false) String partner, @RequestParam(required = false) String event,
                                        @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                        @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new Refused("limit", "offset must be 0 or more and limit from 1 to " + MAX_LIMIT);
        }
        return deadLetters.find(DeadLetterFilter.parse(partner, event, from, to), offset, limit);
    }

    public record RedeliverRequest(List<UUID> deliveryIds, String reason) {
    }

    public record RedeliverMatchingRequest(String partner, String event, String from, String to, String reason, Boolean confirm) {
    }

    @PostMapping(path = "/dead-letters/redeliver", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send chosen dead letters again (same sealing and delivery path, same message id); operator only")
    public DeadLetters.Redelivery redeliver(@RequestBody RedeliverRequest request, Authentication user) {
        return deadLetters.redeliver(request.deliveryIds() == null ? List.of() : request.deliveryIds(), actor(user, IgRole.OPERATOR),
                request.reason());
    }

    @PostMapping(path = "/dead-letters/redeliver-matching", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Send again every dead letter a filter matches; needs confirm=true and a reason; operator only")
    public ResponseEntity<?> redeliverMatching(@RequestBody RedeliverMatchingRequest request, Authentication user) {
        DeadLetterFilter filter = DeadLetterFilter.parse(request.partner(), request.event(), request.from(), request.to());
        if (!Boolean.TRUE.equals(request.confirm())) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "Confirm the bulk re-delivery: send the same request with \"confirm\": true. It would send "
                            + deadLetters.count(filter) + " copies again.");
            problem.setTitle("Confirmation required");
            problem.setProperty("matching", deadLetters.count(filter));
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        return ResponseEntity.ok(deadLetters.redeliverMatching(filter, actor(user, IgRole.OPERATOR), request.reason()));
    }

    @GetMapping("/queues")
    @Operation(summary = "Per partner: copies waiting (queued or retrying), retrying, dead-lettered, and the oldest waiting")
    public Map<String, DeliveryOverview.Backlog> queues() {
        Map<String, DeliveryOverview.Backlog> all = new LinkedHashMap<>();
        Map<String, DeliveryOverview.Backlog> backlog = overview.backlogByPartner();
        partners.partners().forEach(p -> all.put(p.partner().id(), backlog.getOrDefault(p.partner().id(), DeliveryOverview.Backlog.EMPTY)));
        return all;
    }

    @GetMapping("/deliveries/states")
    @Operation(summary = "Every copy by delivery state")
    public Map<DeliveryState, Long> deliveriesByState() {
        return overview.byState();
    }

    public record PartnerSummary(String id, String name, String kind, String area, String endpoint, boolean suspended,
                                 Instant suspendedSince, String suspendedBy, String suspensionReason, boolean delivering,
                                 DeliveryOverview.Backlog backlog, String deliveryOrder) {
        static PartnerSummary of(PartnerAdministration.PartnerView v) {
            var p = v.partner();
            return new PartnerSummary(p.id(), p.name(), p.kind() == null ? null : p.kind().code(), p.area(),
                    p.endpoint() == null || p.endpoint().url() == null ? null : String.valueOf(p.endpoint().url()), v.suspended(), v.suspendedSince(),
                    v.suspendedBy(), v.suspensionReason(), v.delivering(), v.backlog(), p.copyOrder().code());
        }
    }

    @GetMapping("/partners")
    @Operation(summary = "Registered partners with their state and backlog")
    public List<PartnerSummary> partners() {
        return partners.partners().stream().map(PartnerSummary::of).toList();
    }

    @GetMapping("/partners/{id}")
    @Operation(summary = "One partner, with who suspended it and why")
    public PartnerSummary partner(@PathVariable String id) {
        return PartnerSummary.of(partners.partner(id));
    }

    public record ReasonRequest(String reason) {
    }

    @PostMapping(path = "/partners/{id}/suspend", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Suspend a partner: its copies wait on its queue and its records are refused; admin only")
    public ResponseEntity<PartnerSummary> suspend(@PathVariable String id, @RequestBody ReasonRequest request, Authentication user) {
        var change = partners.suspend(id, actor(user, IgRole.ADMIN), request.reason());
        return ResponseEntity.status(change == PartnerAdministration.Change.CHANGED ? HttpStatus.OK : HttpStatus.CONFLICT)
                .body(PartnerSummary.of(partners.partner(id)));
    }

    @PostMapping(path = "/partners/{id}/resume", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Resume a suspended partner: delivery starts again and its records are accepted; admin only")
    public ResponseEntity<PartnerSummary> resume(@PathVariable String id, @RequestBody ReasonRequest request, Authentication user) {
        var change = partners.resume(id, actor(user, IgRole.ADMIN), request.reason());
        return ResponseEntity.status(change == PartnerAdministration.Change.CHANGED ? HttpStatus.OK : HttpStatus.CONFLICT)
                .body(PartnerSummary.of(partners.partner(id)));
    }

    @PostMapping(path = "/partners", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Add a partner, live: checked as the partners file would be, certificates checked; admin only")
    public ResponseEntity<?> create(@RequestBody PartnerRegistration.PartnerForm form,
                                    @RequestParam(name = "issueDevelopmentCertificate", defaultValue = "false") boolean issueDevelopmentCertificate,
                                    Authentication user) {
        var created = registration.create(form, actor(user, IgRole.ADMIN), issueDevelopmentCertificate);
        var partner = created.partner();
        var response = ResponseEntity.status(HttpStatus.CREATED).header("Location", "/admin/api/partners/" + partner.id());
        if (created.development() == null) {
            return response.body(PartnerSummary.of(partners.partner(partner.id())));
        }
        String base = "/admin/api/partners/" + partner.id() + "/development-certificate";
        return response.body(new CreatedWithDevelopmentCertificate(PartnerSummary.of(partners.partner(partner.id())),
                new DevelopmentCertificate(true, created.development().pkcs12Password(), base + ".p12", base + ".pem")));
    }

    /** Dev-only: where to fetch the issued key and certificates, and the PKCS#12 password, which is given only here. */
    public record DevelopmentCertificate(boolean devOnly, String pkcs12Password, String pkcs12, String pem) {
    }

    public record CreatedWithDevelopmentCertificate(PartnerSummary partner, DevelopmentCertificate developmentCertificate) {
    }

    @GetMapping(path = "/partners/{id}/development-certificate.p12", produces = "application/x-pkcs12")
    @Operation(summary = "Dev-only: the PKCS#12 store (aliases tls, encryption) of a partner whose certificates the dev CA issued; "
            + "its password was shown once when the partner was added; admin only; 404 outside the embedded default")
    public ResponseEntity<byte[]> developmentPkcs12(@PathVariable String id) {
        return development.pkcs12(id).map(bytes -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pkcs12"))
                .header("Content-Disposition", "attachment; filename=\"" + id + ".dev-only.p12\"").body(bytes))
                .orElseThrow(() -> new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    @GetMapping(path = "/partners/{id}/development-certificate.pem", produces = "application/x-pem-file")
    @Operation(summary = "Dev-only: the TLS and encryption keys and certificates, PEM, of a partner whose certificates the dev CA "
            + "issued; admin only; 404 outside the embedded default")
    public ResponseEntity<byte[]> developmentPem(@PathVariable String id) {
        return development.pem(id).map(bytes -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file"))
                .header("Content-Disposition", "attachment; filename=\"" + id + ".dev-only.pem\"").body(bytes))
                .orElseThrow(() -> new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    @PostMapping(path = "/partners/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Change a partner's settings, live; properties left out keep their value; admin only")
    public PartnerSummary edit(@PathVariable String id, @RequestBody PartnerRegistration.PartnerForm form, Authentication user) {
        registration.edit(id, form, actor(user, IgRole.ADMIN));
        return PartnerSummary.of(partners.partner(id));
    }

    public record CertificateUpload(String use, String pem, String reason) {
    }

    @PostMapping(path = "/partners/{id}/certificates", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Register a partner's new TLS (use=tls) or encryption (use=encryption) certificate, PEM; checked "
            + "for chain, validity, key usage and revocation first; admin only")
    public PartnerSummary uploadCertificate(@PathVariable String id, @RequestBody CertificateUpload upload, Authentication user) {
        CertificateChecks.Use use = switch (upload.use() == null ? "" : upload.use()) {
            case "tls" -> CertificateChecks.Use.TLS;
            case "encryption" -> CertificateChecks.Use.ENCRYPTION;
            default -> throw new Refused("use", "use must be tls or encryption");
        };
        registration.uploadCertificate(id, use, upload.pem(), actor(user, IgRole.ADMIN), upload.reason());
        return PartnerSummary.of(partners.partner(id));
    }

    @PostMapping(path = "/partners/{id}/retire", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Take a partner out of service: its route stops, its certificate identifies no one; admin only")
    public ResponseEntity<Void> retire(@PathVariable String id, @RequestBody ReasonRequest request, Authentication user) {
        registration.retire(id, actor(user, IgRole.ADMIN), request.reason());
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/partners/export", produces = "application/yaml")
    @Operation(summary = "Every partner in service as a partners.yaml document (certificates held by the registry inline as PEM)")
    public ResponseEntity<String> export() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/yaml")).body(registration.export());
    }

    @PostMapping(path = "/partners/import", consumes = {"application/yaml", MediaType.TEXT_PLAIN_VALUE})
    @Operation(summary = "Add or change partners from a partners.yaml document (the export format); checked whole first, "
            + "partners it leaves out stay as they are; the reason in the X-Reason header; admin only")
    public Map<String, List<String>> importDocument(@RequestBody String yaml, @RequestHeader(name = "X-Reason", required = false) String reason,
                                                    Authentication user) {
        return Map.of("changed", registration.importDocument(yaml, actor(user, IgRole.ADMIN), reason));
    }

    @GetMapping("/certificates")
    @Operation(summary = "Every certificate in use, the gateway's and its partners', with days to expiry, soonest first")
    public List<CertificateList.Entry> certificates() {
        return certificates.all();
    }

    @PostMapping("/partners/{id}/connection-test")
    @Operation(summary = "Test the connection to a partner's endpoint (TLS handshake, SFTP login, SMTP EHLO); nothing is sent; admin only")
    public ResponseEntity<?> connectionTest(@PathVariable String id) {
        ConnectionTests.Tested tested;
        try {
            tested = connectionTests.test(id);
        } catch (Refused e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No partner with an endpoint is registered as '" + id + "'");
            problem.setTitle("Unknown partner");
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        return ResponseEntity.ok(tested.result());
    }

    @ExceptionHandler(Refused.class)
    ResponseEntity<ProblemDetail> refused(Refused refused) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, refused.getMessage());
        problem.setTitle("Nothing was changed");
        if (refused.field() != null) {
            problem.setProperty("field", refused.field());
        }
        if (refused instanceof PartnerRegistration.Invalid invalid) {
            problem.setDetail(invalid.problems().stream().map(Refused::getMessage).collect(java.util.stream.Collectors.joining("; ")));
            problem.setProperty("problems", invalid.problems().stream().map(r -> {
                Map<String, String> item = new LinkedHashMap<>();
                item.put("field", r.field());
                item.put("message", r.getMessage());
                return item;
            }).toList());
        }
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The body must be JSON (Content-Type: application/json) in the documented shape");
        problem.setTitle("Nothing was changed");
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The role a change is recorded under: the one the action needs (the security chain has checked it is held). */
    static Actor actor(Authentication user, IgRole needed) {
        boolean holds = user.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(needed.authority()::equals);
        return new Actor(user.getName(), holds ? needed.configName() : IgRole.of(user));
    }
}
