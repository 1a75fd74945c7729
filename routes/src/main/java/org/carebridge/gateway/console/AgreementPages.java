package org.carebridge.gateway.console;

import org.carebridge.gateway.agreement.AgreementDrafts;
import org.carebridge.gateway.agreement.AgreementReading;
import org.carebridge.gateway.agreement.AgreementRegistry;
import org.carebridge.gateway.agreement.AgreementStanding;
import org.carebridge.gateway.ig.IgRole;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.minimisation.FieldProfiles;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Agreements in the console: the list with where each stands, one agreement in plain words, and the four-eyes
 * lifecycle (an admin uploads or edits a draft, another person with ig-officer approves it) through
 * {@link AgreementDrafts}, which the admin API calls as well.
 */
@Controller
@ConsolePage
public class AgreementPages {

    private final AgreementRegistry registry;
    private final AgreementDrafts drafts;
    private final FieldProfiles profiles;

    public AgreementPages(AgreementRegistry registry, AgreementDrafts drafts, FieldProfiles profiles) {
        this.registry = registry;
        this.drafts = drafts;
        this.profiles = profiles;
    }

    @GetMapping("/console/agreements")
    String list(Model model) {
        model.addAttribute("standings", registry.standings().stream()
                .sorted(Comparator.comparing((AgreementStanding s) -> s.agreement().id()).thenComparing(s -> s.agreement().version())).toList());
        model.addAttribute("drafts", drafts.waiting());
        model.addAttribute("closedDrafts", drafts.recentlyClosed(10));
        return "console/agreements";
    }

    @GetMapping("/console/agreements/{id}/v{version}")
    String agreement(@PathVariable String id, @PathVariable int version, Model model) {
        Agreement agreement = registry.current().agreements().stream().filter(a -> a.id().equals(id) && a.version() == version)
                .findFirst().orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such agreement"));
        model.addAttribute("reading", AgreementReading.of(agreement, registry.today(), profiles, drafts.approved(id, version).orElse(null)));
        return "console/agreement";
    }

    @GetMapping("/console/agreements/drafts/new")
    String newDraft(Model model) {
        return "console/agreement-draft-new";
    }

    @PostMapping("/console/agreements/drafts")
    String upload(@RequestParam(required = false) MultipartFile file, @RequestParam(required = false) String fileName,
                  @RequestParam(required = false) String document, Authentication user, Model model, RedirectAttributes redirect) throws IOException {
        String name = fileName;
        String text = document;
        if (file != null && !file.isEmpty()) {
            text = new String(file.getBytes(), StandardCharsets.UTF_8);
            if (name == null || name.isBlank()) {
                name = file.getOriginalFilename();
            }
        }
        try {
            AgreementDrafts.Draft draft = drafts.upload(name, text, new AgreementDrafts.Author(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", "Draft of " + draft.agreementId() + " version " + draft.version()
                    + " saved: it needs another person with the ig-officer role to approve it");
            return "redirect:/console/agreements/drafts/" + draft.id();
        } catch (AgreementDrafts.Refusal e) {
            refused(e, model);
            model.addAttribute("fileName", name);
            model.addAttribute("document", text);
            return "console/agreement-draft-new";
        }
    }

    @GetMapping("/console/agreements/drafts/{draftId}")
    String draft(@PathVariable String draftId, Model model) {
        AgreementDrafts.Draft draft = known(draftId);
        model.addAttribute("draft", draft);
        if (!model.containsAttribute("document")) {
            model.addAttribute("document", draft.document());
        }
        if (draft.state() == AgreementDrafts.State.DRAFT) {
            try {
                Agreement agreement = drafts.check(draft.fileName(), draft.document());
                model.addAttribute("reading", AgreementReading.of(agreement, registry.today(), profiles, null));
            } catch (AgreementDrafts.Invalid e) {
                // the set it joins changed since it was saved (a file, or another approval)
                model.addAttribute("problems", e.problems());
            }
        }
        return "console/agreement-draft";
    }

    @PostMapping("/console/agreements/drafts/{draftId}/edit")
    String edit(@PathVariable String draftId, @RequestParam(required = false) String document, Authentication user, Model model,
                RedirectAttributes redirect) {
        AgreementDrafts.Draft draft = known(draftId);
        try {
            drafts.edit(draft.id(), document, new AgreementDrafts.Author(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", "Draft saved: it still needs another person with the ig-officer role to approve it");
            return "redirect:/console/agreements/drafts/" + draft.id();
        } catch (AgreementDrafts.Refusal e) {
            refused(e, model);
            model.addAttribute("document", document);
            return draft(draftId, model);
        }
    }

    @PostMapping("/console/agreements/drafts/{draftId}/approve")
    String approve(@PathVariable String draftId, Authentication user, Model model, RedirectAttributes redirect) {
        AgreementDrafts.Draft draft = known(draftId);
        try {
            AgreementDrafts.Draft approved = drafts.approve(draft.id(), new AgreementDrafts.Author(user.getName(), IgRole.IG_OFFICER.configName()));
            AgreementStanding standing = registry.standings().stream()
                    .filter(s -> s.agreement().id().equals(approved.agreementId()) && s.agreement().version() == approved.version())
                    .findFirst().orElseThrow();
            redirect.addFlashAttribute("done", "Approved: " + standing.sentence());
            return "redirect:/console/agreements/" + approved.agreementId() + "/v" + approved.version();
        } catch (AgreementDrafts.Refusal e) {
            refused(e, model);
            return draft(draftId, model);
        }
    }

    @PostMapping("/console/agreements/drafts/{draftId}/withdraw")
    String withdraw(@PathVariable String draftId, Authentication user, Model model, RedirectAttributes redirect) {
        AgreementDrafts.Draft draft = known(draftId);
        try {
            drafts.withdraw(draft.id(), new AgreementDrafts.Author(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", "Draft withdrawn: it will not be approved, and a new draft of " + draft.agreementId()
                    + " version " + draft.version() + " may be uploaded");
            return "redirect:/console/agreements/drafts/" + draft.id();
        } catch (AgreementDrafts.Refusal e) {
            refused(e, model);
            return draft(draftId, model);
        }
    }

    @PostMapping("/console/agreements/drafts/{draftId}/reject")
    String reject(@PathVariable String draftId, @RequestParam(required = false) String reason, Authentication user, Model model,
                  RedirectAttributes redirect) {
        AgreementDrafts.Draft draft = known(draftId);
        try {
            drafts.reject(draft.id(), reason, new AgreementDrafts.Author(user.getName(), IgRole.IG_OFFICER.configName()));
            redirect.addFlashAttribute("done", "Draft rejected: its authors can read your reason here, and upload a new draft");
            return "redirect:/console/agreements/drafts/" + draft.id();
        } catch (AgreementDrafts.Refusal e) {
            refused(e, model);
            model.addAttribute("reason", reason);
            return draft(draftId, model);
        }
    }

    private static void refused(AgreementDrafts.Refusal e, Model model) {
        model.addAttribute("errors", List.of(new OperationsPages.FieldError(e.field(), e.getMessage())));
        if (e instanceof AgreementDrafts.Invalid invalid) {
            model.addAttribute("problems", invalid.problems());
        }
    }

    private AgreementDrafts.Draft known(String draftId) {
        try {
            return drafts.draft(UUID.fromString(draftId)).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such draft"));
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such draft");
        }
    }
}
