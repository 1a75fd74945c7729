package org.carebridge.gateway.console;

import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.CertificateList;
import org.carebridge.gateway.admin.PartnerRegistration;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;
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

/** Administrators' pages: the partner list, one partner, add and change a partner, suspend and resume, certificates. */
@Controller
@ConsolePage
public class PartnerPages {

    private final PartnerAdministration partners;
    private final PartnerRegistration registration;
    private final CertificateList certificates;

    public PartnerPages(PartnerAdministration partners, PartnerRegistration registration, CertificateList certificates) {
        this.partners = partners;
        this.registration = registration;
        this.certificates = certificates;
    }

    @GetMapping("/console/partners/new")
    String newPartner(Model model) {
        model.addAttribute("form", new PartnerRegistration.PartnerForm(null, null, null, null, null, "https", "fhir-json", "sealed",
                List.of(), null, null, null));
        return form(model, null);
    }

    @PostMapping("/console/partners/new")
    String create(PartnerRegistration.PartnerForm form, Authentication user, Model model, RedirectAttributes redirect) {
        try {
            Partner partner = registration.create(withRoles(form), new Actor(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", partner.name() + " is added: its copies are delivered from now on");
            return "redirect:/console/partners/" + partner.id();
        } catch (Refused e) {
            model.addAttribute("form", withRoles(form));
            model.addAttribute("errors", errors(e));
            return form(model, null);
        }
    }

    @GetMapping("/console/partners/{id}/edit")
    String editPartner(@PathVariable String id, Model model) {
        PartnerAdministration.PartnerView view = known(id);
        model.addAttribute("form", registration.formOf(id));
        return form(model, view);
    }

    @PostMapping("/console/partners/{id}/edit")
    String edit(@PathVariable String id, PartnerRegistration.PartnerForm form, Authentication user, Model model,
                RedirectAttributes redirect) {
        PartnerAdministration.PartnerView view = known(id);
        try {
            Partner partner = registration.edit(id, withRoles(form), new Actor(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", partner.name() + " is changed: the new settings are in use");
            return "redirect:/console/partners/" + id;
        } catch (Refused e) {
            model.addAttribute("form", withRoles(form));
            model.addAttribute("errors", errors(e));
            return form(model, view);
        }
    }

    @GetMapping("/console/certificates")
    String certificates(Model model) {
        model.addAttribute("certificates", certificates.all());
        return "console/certificates";
    }

    private String form(Model model, PartnerAdministration.PartnerView view) {
        model.addAttribute("view", view);
        model.addAttribute("kinds", java.util.Arrays.stream(AgencyKind.values()).map(AgencyKind::code).toList());
        model.addAttribute("transports", java.util.Arrays.stream(Transport.values()).map(Transport::code).toList());
        model.addAttribute("formats", PartnerRegistration.FORMATS);
        model.addAttribute("knownRoles", new java.util.TreeSet<>(Partner.KNOWN_ROLES));
        return "console/partner-form";
    }

    /** An unticked set of checkboxes sends nothing: on a form that means no roles, not "keep them". */
    private static PartnerRegistration.PartnerForm withRoles(PartnerRegistration.PartnerForm form) {
        return form.roles() != null ? form : new PartnerRegistration.PartnerForm(form.id(), form.name(), form.kind(), form.area(),
                form.endpointUrl(), form.transport(), form.format(), form.delivery(), List.of(), form.tlsCertificate(),
                form.encryptionCertificate(), form.reason());
    }

    private static List<OperationsPages.FieldError> errors(Refused e) {
        List<Refused> all = e instanceof PartnerRegistration.Invalid invalid ? invalid.problems() : List.of(e);
        return all.stream().map(r -> new OperationsPages.FieldError(r.field() == null ? "name" : r.field(), r.getMessage())).toList();
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
