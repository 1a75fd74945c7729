package org.carebridge.gateway.console;

import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.PartnerAdministration;
import org.carebridge.gateway.admin.Refused;
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

import java.util.List;

/** Administrators' pages: the partner list, one partner, suspend and resume. */
@Controller
@ConsolePage
public class PartnerPages {

    private final PartnerAdministration partners;

    public PartnerPages(PartnerAdministration partners) {
        this.partners = partners;
    }

    @GetMapping("/console/partners")
    String list(Model model) {
        model.addAttribute("partners", partners.partners());
        return "console/partners";
    }

    @GetMapping("/console/partners/{id}")
    String view(@PathVariable String id, Model model) {
        model.addAttribute("view", known(id));
        return "console/partner";
    }

    @PostMapping("/console/partners/{id}/suspend")
    String suspend(@PathVariable String id, @RequestParam(required = false) String reason, Authentication user, Model model,
                   RedirectAttributes redirect) {
        return change(id, reason, user, model, redirect, true);
    }

    @PostMapping("/console/partners/{id}/resume")
    String resume(@PathVariable String id, @RequestParam(required = false) String reason, Authentication user, Model model,
                  RedirectAttributes redirect) {
        return change(id, reason, user, model, redirect, false);
    }

    private String change(String id, String reason, Authentication user, Model model, RedirectAttributes redirect, boolean suspend) {
        PartnerAdministration.PartnerView view = known(id);
        Actor actor = new Actor(user.getName(), IgRole.ADMIN.configName());
        try {
            PartnerAdministration.Change change = suspend ? partners.suspend(id, actor, reason) : partners.resume(id, actor, reason);
            String name = view.partner().name();
            redirect.addFlashAttribute("done", change == PartnerAdministration.Change.UNCHANGED
                    ? name + " was already " + (suspend ? "suspended" : "active") + ": nothing changed"
                    : suspend ? name + " is suspended: its copies wait and its records are refused"
                    : name + " is active again: its waiting copies are being delivered");
            return "redirect:/console/partners/" + view.partner().id();
        } catch (Refused e) {
            model.addAttribute("view", view);
            model.addAttribute("errors", List.of(new OperationsPages.FieldError(e.field(), e.getMessage())));
            model.addAttribute("reason", reason);
            return "console/partner";
        }
    }

    private PartnerAdministration.PartnerView known(String id) {
        try {
            return partners.partner(id);
        } catch (Refused e) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such partner");
        }
    }
}
