package org.carebridge.gateway.console;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.ig.IgOverrideReviews;
import org.carebridge.gateway.ig.IgQueries;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Override review in the console: the queue of shares made on a safeguarding override, oldest first with their age,
 * and the review of one (agree, or do not agree, with a reason). A not-agreed override is followed by a copy-withdrawal
 * to its recipient. The same {@link IgOverrideReviews} serves {@code POST /ig/overrides/{id}/review}. The pages show who
 * asserted each override and why, so each view is an AUDIT_READ.
 */
@Controller
@ConsolePage
public class OverrideReviewPages {

    static final int MAX_NOTE = 2000;
    private static final Set<String> STATUSES = Set.of("PENDING", "AGREED", "NOT_AGREED");

    private final IgQueries queries;
    private final IgOverrideReviews reviews;
    private final AuditTrail audit;

    public OverrideReviewPages(IgQueries queries, IgOverrideReviews reviews, AuditTrail audit) {
        this.queries = queries;
        this.reviews = reviews;
        this.audit = audit;
    }

    @GetMapping("/console/ig/overrides")
    String queue(@RequestParam(required = false) String status, Authentication user, Model model) {
        String shown = status != null && STATUSES.contains(status) ? status : "PENDING";
        List<IgQueries.OverrideRow> rows = queries.overrides(shown);
        read(user, "GET /console/ig/overrides", "status=" + shown + " results=" + rows.size());
        model.addAttribute("rows", rows);
        model.addAttribute("status", shown);
        return "console/ig-overrides";
    }

    @GetMapping("/console/ig/overrides/{id}")
    String override(@PathVariable String id, Authentication user, Model model) {
        IgQueries.OverrideRow row = known(id);
        read(user, "GET /console/ig/overrides/{id}", "override=" + row.id());
        model.addAttribute("row", row);
        return "console/ig-override";
    }

    @PostMapping("/console/ig/overrides/{id}/review")
    String review(@PathVariable String id, @RequestParam(required = false) String decision, @RequestParam(required = false) String reason,
                  Authentication user, Model model, RedirectAttributes redirect) {
        IgQueries.OverrideRow row = known(id);
        List<OperationsPages.FieldError> errors = new ArrayList<>();
        String status = "agreed".equals(decision) ? IgOverrideReviews.AGREED : "not-agreed".equals(decision) ? IgOverrideReviews.NOT_AGREED : null;
        if (status == null) {
            errors.add(new OperationsPages.FieldError("decision", "Choose whether you agree with the override"));
        }
        if (reason == null || reason.isBlank()) {
            errors.add(new OperationsPages.FieldError("reason", "Enter the reason for your review"));
        } else if (reason.strip().length() > MAX_NOTE) {
            errors.add(new OperationsPages.FieldError("reason", "The reason must be " + MAX_NOTE + " characters or fewer"));
        }
        if (!errors.isEmpty()) {
            read(user, "POST /console/ig/overrides/{id}/review", "override=" + row.id() + " refused=400");
            model.addAttribute("row", row);
            model.addAttribute("errors", errors);
            model.addAttribute("decision", decision);
            model.addAttribute("reason", reason);
            return "console/ig-override";
        }
        IgOverrideReviews.Result result = reviews.review(row.id(), status, reason.strip(), user.getName(), IgRole.IG_OFFICER.configName());
        read(user, "POST /console/ig/overrides/{id}/review", "override=" + row.id() + " decision=" + decision + " result=" + result);
        switch (result) {
            case REVIEWED -> redirect.addFlashAttribute("done", IgOverrideReviews.AGREED.equals(status)
                    ? "Agreed: the share to " + row.recipient() + " stands"
                    : "Not agreed: " + row.recipient() + " is being told to delete its copy");
            case ALREADY_REVIEWED -> redirect.addFlashAttribute("done", "This override had already been reviewed: nothing changed");
            case RECORD_ERASED -> redirect.addFlashAttribute("done", "The record was erased at the end of its retention: it can no longer be reviewed");
            case NOT_FOUND -> throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such override");
        }
        return "redirect:/console/ig/overrides/" + row.id();
    }

    private IgQueries.OverrideRow known(String id) {
        UUID overrideId;
        try {
            overrideId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such override");
        }
        return queries.overrides(null).stream().filter(r -> r.id().equals(overrideId)).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such override"));
    }

    private void read(Authentication user, String endpoint, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome(endpoint, summary));
    }
}
