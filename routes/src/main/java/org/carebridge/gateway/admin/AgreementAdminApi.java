package org.carebridge.gateway.admin;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carebridge.gateway.agreement.AgreementDrafts;
import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.agreement.AgreementStanding;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.core.Authentication;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * Agreements in the admin API, the same {@link AgreementDrafts} as the console's pages: the list with where each stands,
 * and the four-eyes lifecycle (an admin uploads or edits a draft; another person with ig-officer approves it).
 */
@RestController
@RequestMapping(path = "/admin/api/agreements", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "CareBridge admin API")
public class AgreementAdminApi {

    private final AgreementRegistry registry;
    private final AgreementDrafts drafts;

    public AgreementAdminApi(AgreementRegistry registry, AgreementDrafts drafts) {
        this.registry = registry;
        this.drafts = drafts;
    }

    public record AgreementSummary(String id, int version, String title, String state, boolean reviewOverdue, String validity,
                                   LocalDate reviewDate, String statement) {
        static AgreementSummary of(AgreementStanding s) {
            return new AgreementSummary(s.agreement().id(), s.agreement().version(), s.agreement().title(), s.state().code(), s.reviewOverdue(),
                    s.agreement().validity(), s.agreement().reviewDate(), s.sentence());
        }
    }

    public record DraftSummary(UUID id, String agreementId, int version, String fileName, String state, List<String> authors,
                               Instant updatedAt, String approvedBy, Instant approvedAt, LocalDate validFrom, String closedBy,
                               Instant closedAt, String rejectionReason, String document) {
        static DraftSummary of(AgreementDrafts.Draft d) {
            return new DraftSummary(d.id(), d.agreementId(), d.version(), d.fileName(), d.state().name().toLowerCase(), d.authors(),
                    d.updatedAt(), d.approvedBy(), d.approvedAt(), d.validFrom(), d.closedBy(), d.closedAt(), d.closeReason(), d.document());
        }
    }

    public record DraftRequest(String fileName, String document) {
    }

    public record RejectRequest(String reason) {
    }

    @GetMapping
    @Operation(summary = "Every agreement in the set and where it stands today: in-force, expired, not-yet-in-force; review overdue")
    public List<AgreementSummary> agreements() {
        return registry.standings().stream().map(AgreementSummary::of).toList();
    }

    @GetMapping("/drafts")
    @Operation(summary = "Drafts waiting for approval, oldest first")
    public List<DraftSummary> waiting() {
        return drafts.waiting().stream().map(DraftSummary::of).toList();
    }

    @PostMapping(path = "/drafts", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Upload a draft agreement (YAML), checked as config/agreements/ is; admin only")
    public ResponseEntity<DraftSummary> upload(@RequestBody DraftRequest request, Authentication user) {
        return ResponseEntity.status(HttpStatus.CREATED).body(DraftSummary.of(drafts.upload(request.fileName(), request.document(),
                author(user, IgRole.ADMIN))));
    }

    @PostMapping(path = "/drafts/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Replace a waiting draft's text; admin only")
    public DraftSummary edit(@PathVariable UUID id, @RequestBody DraftRequest request, Authentication user) {
        return DraftSummary.of(drafts.edit(id, request.document(), author(user, IgRole.ADMIN)));
    }

    @PostMapping("/drafts/{id}/approve")
    @Operation(summary = "Approve a draft written by someone else; it joins the set at once and comes into force on its start date; ig-officer only")
    public DraftSummary approve(@PathVariable UUID id, Authentication user) {
        return DraftSummary.of(drafts.approve(id, author(user, IgRole.IG_OFFICER)));
    }

    @PostMapping("/drafts/{id}/withdraw")
    @Operation(summary = "Withdraw a waiting draft; it never joins the set; admin only (any admin)")
    public DraftSummary withdraw(@PathVariable UUID id, Authentication user) {
        return DraftSummary.of(drafts.withdraw(id, author(user, IgRole.ADMIN)));
    }

    @PostMapping(path = "/drafts/{id}/reject", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Reject a waiting draft with a reason {\"reason\":\"...\"}; it never joins the set; ig-officer only")
    public DraftSummary reject(@PathVariable UUID id, @RequestBody RejectRequest request, Authentication user) {
        return DraftSummary.of(drafts.reject(id, request.reason(), author(user, IgRole.IG_OFFICER)));
    }

    private static AgreementDrafts.Author author(Authentication user, IgRole needed) {
        Actor actor = AdminApiController.actor(user, needed);
        return new AgreementDrafts.Author(actor.name(), actor.role());
    }

    @ExceptionHandler(AgreementDrafts.Refusal.class)
    ResponseEntity<ProblemDetail> refused(AgreementDrafts.Refusal refused) {
        HttpStatus status = refused instanceof AgreementDrafts.FourEyes ? HttpStatus.FORBIDDEN : HttpStatus.BAD_REQUEST;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, refused.getMessage());
        problem.setTitle("Nothing was changed");
        if (refused.field() != null) {
            problem.setProperty("field", refused.field());
        }
        if (refused instanceof AgreementDrafts.Invalid invalid) {
            problem.setProperty("problems", invalid.problems());
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class})
    ResponseEntity<ProblemDetail> unreadable(Exception e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The body must be JSON (Content-Type: application/json) in the documented shape");
        problem.setTitle("Nothing was changed");
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
