package org.carebridge.gateway.console;

import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.CertificateList;
import org.carebridge.gateway.admin.ConnectionTests;
import org.carebridge.gateway.admin.DevelopmentCertificates;
import org.carebridge.gateway.admin.Reasons;
import org.carebridge.gateway.admin.PartnerRegistration;
import org.carebridge.security.partner.AgencyKind;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.Transport;
import org.carebridge.gateway.admin.PartnerAdministration;
import org.carebridge.gateway.admin.Refused;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
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

import java.util.List;

/** Administrators' pages: the partner list, one partner, add and change a partner, suspend and resume, certificates. */
@Controller
@ConsolePage
public class PartnerPages {

    private final PartnerAdministration partners;
    private final PartnerRegistration registration;
    private final CertificateList certificates;
    private final DevelopmentCertificates development;
    private final ConnectionTests connectionTests;
    /** Dev-only: the demo partners run, so the console can send an example record. */
    private final boolean examples;

    /** A certificate file larger than this is not a PEM certificate chain. */
    static final int MAX_PEM_FILE = 64 * 1024;

    public PartnerPages(PartnerAdministration partners, PartnerRegistration registration, CertificateList certificates,
                        DevelopmentCertificates development, ConnectionTests connectionTests,
                        org.springframework.beans.factory.ObjectProvider<org.carebridge.gateway.demo.ExampleRecords> examples) {
        this.examples = examples.getIfAvailable() != null;
        this.partners = partners;
        this.registration = registration;
        this.certificates = certificates;
        this.development = development;
        this.connectionTests = connectionTests;
    }

    @GetMapping("/console/partners/new")
    String newPartner(Model model) {
        model.addAttribute("form", new PartnerRegistration.PartnerForm(null, null, null, null, null, "https", "fhir-json", "sealed",
                List.of(), null, null, null, "any"));
        return form(model, null);
    }

    @PostMapping("/console/partners/new")
    String create(PartnerRegistration.PartnerForm form, @RequestParam(required = false) MultipartFile tlsCertificateFile,
                  @RequestParam(required = false) MultipartFile encryptionCertificateFile,
                  @RequestParam(required = false) String developmentCertificate, Authentication user, Model model,
                  RedirectAttributes redirect) {
        boolean issue = "issue".equals(developmentCertificate);
        PartnerRegistration.PartnerForm given = withRoles(form);
        try {
            given = withFiles(given, tlsCertificateFile, encryptionCertificateFile);
            var created = registration.create(given, new Actor(user.getName(), IgRole.ADMIN.configName()), issue);
            Partner partner = created.partner();
            redirect.addFlashAttribute("done", partner.name() + " is added: its copies are delivered from now on");
            if (created.development() != null) {
                redirect.addFlashAttribute("pkcs12Password", created.development().pkcs12Password());
            }
            return "redirect:/console/partners/" + partner.id();
        } catch (Refused e) {
            model.addAttribute("form", given);
            model.addAttribute("errors", errors(e));
            model.addAttribute("issueDevelopmentCertificate", issue);
            return form(model, null);
        }
    }

    /**
     * A chosen certificate file takes the place of the pasted text, and goes through the same checks. Both at once, or a
     * file that cannot be a PEM certificate, is refused before anything else.
     */
    private static PartnerRegistration.PartnerForm withFiles(PartnerRegistration.PartnerForm form, MultipartFile tlsFile,
                                                             MultipartFile encryptionFile) {
        List<Refused> problems = new java.util.ArrayList<>();
        String tls = fileOrPasted(tlsFile, form.tlsCertificate(), "tlsCertificate", "TLS client certificate", problems);
        String encryption = fileOrPasted(encryptionFile, form.encryptionCertificate(), "encryptionCertificate", "encryption certificate", problems);
        if (!problems.isEmpty()) {
            throw new PartnerRegistration.Invalid(problems);
        }
        return new PartnerRegistration.PartnerForm(form.id(), form.name(), form.kind(), form.area(), form.endpointUrl(), form.transport(),
                form.format(), form.delivery(), form.roles(), tls, encryption, form.reason(), form.deliveryOrder());
    }

    private static String fileOrPasted(MultipartFile file, String pasted, String field, String label, List<Refused> problems) {
        if (file == null || file.isEmpty()) {
            return pasted;
        }
        if (pasted != null && !pasted.isBlank()) {
            problems.add(new Refused(field, "Choose a file or paste the " + label + ", not both"));
            return pasted;
        }
        if (file.getSize() > MAX_PEM_FILE) {
            problems.add(new Refused(field, "The " + label + " file is larger than 64 KB: choose the PEM certificate file"));
            return null;
        }
        try {
            return new String(file.getBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            problems.add(new Refused(field, "The " + label + " file could not be read: choose it again"));
            return null;
        }
    }

    @GetMapping("/console/partners/{id}/edit")
    String editPartner(@PathVariable String id, Model model) {
        PartnerAdministration.PartnerView view = known(id);
        model.addAttribute("form", registration.formOf(id));
        return form(model, view);
    }

    @PostMapping("/console/partners/{id}/edit")
    String edit(@PathVariable String id, PartnerRegistration.PartnerForm form, @RequestParam(required = false) MultipartFile tlsCertificateFile,
                @RequestParam(required = false) MultipartFile encryptionCertificateFile, Authentication user, Model model,
                RedirectAttributes redirect) {
        PartnerAdministration.PartnerView view = known(id);
        try {
            form = withFiles(form, tlsCertificateFile, encryptionCertificateFile);
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
        model.addAttribute("developmentCertificates", development.available());
        return "console/partner-form";
    }

    /** An unticked set of checkboxes sends nothing: on a form that means no roles, not "keep them". */
    private static PartnerRegistration.PartnerForm withRoles(PartnerRegistration.PartnerForm form) {
        return form.roles() != null ? form : new PartnerRegistration.PartnerForm(form.id(), form.name(), form.kind(), form.area(),
                form.endpointUrl(), form.transport(), form.format(), form.delivery(), List.of(), form.tlsCertificate(),
                form.encryptionCertificate(), form.reason(), form.deliveryOrder());
    }

    private static List<OperationsPages.FieldError> errors(Refused e) {
        List<Refused> all = e instanceof PartnerRegistration.Invalid invalid ? invalid.problems() : List.of(e);
        return all.stream().map(r -> new OperationsPages.FieldError(r.field() == null ? "name" : r.field(), r.getMessage())).toList();
    }

    @GetMapping("/console/partners")
    String list(Model model) {
        model.addAttribute("partners", partners.partners());
        model.addAttribute("exampleRecords", examples);
        return "console/partners";
    }

    @GetMapping("/console/partners/{id}")
    String view(@PathVariable String id, Model model) {
        model.addAttribute("view", known(id));
        model.addAttribute("developmentCertificate", development.issuedHere(id));
        model.addAttribute("exampleRecords", examples);
        return "console/partner";
    }

    @PostMapping("/console/partners/{id}/connection-test")
    String connectionTest(@PathVariable String id, RedirectAttributes redirect) {
        known(id);
        try {
            ConnectionTests.Tested tested = connectionTests.test(id);
            redirect.addFlashAttribute(tested.result().passed() ? "tested" : "testFailed", tested.words());
        } catch (Refused e) {
            redirect.addFlashAttribute("testFailed", e.getMessage());
        }
        return "redirect:/console/partners/" + id + "#connection-test";
    }

    @GetMapping("/console/partners/{id}/retire")
    String retirePage(@PathVariable String id, Model model) {
        model.addAttribute("view", known(id));
        return "console/partner-retire";
    }

    @PostMapping("/console/partners/{id}/retire")
    String retire(@PathVariable String id, @RequestParam(required = false) String reason, @RequestParam(required = false) String confirm,
                  Authentication user, Model model, RedirectAttributes redirect) {
        PartnerAdministration.PartnerView view = known(id);
        List<OperationsPages.FieldError> problems = new java.util.ArrayList<>();
        // the error summary lists problems in the order of the fields on the page
        try {
            Reasons.check(reason);
        } catch (Refused e) {
            problems.add(new OperationsPages.FieldError("reason", e.getMessage()));
        }
        if (!"yes".equals(confirm)) {
            problems.add(new OperationsPages.FieldError("confirm", "Confirm that " + view.partner().name() + " is to be retired"));
        }
        if (problems.isEmpty()) {
            try {
                registration.retire(id, new Actor(user.getName(), IgRole.ADMIN.configName()), reason);
                redirect.addFlashAttribute("done", view.partner().name() + " (" + id + ") is retired: its route is stopped and its "
                        + "certificates identify no one. Its id stays taken.");
                return "redirect:/console/partners";
            } catch (Refused e) {
                problems.add(new OperationsPages.FieldError(e.field() == null ? "reason" : e.field(), e.getMessage()));
            }
        }
        model.addAttribute("view", view);
        model.addAttribute("errors", problems);
        model.addAttribute("reason", reason);
        return "console/partner-retire";
    }

    @GetMapping("/console/partners/{id}/development-certificate.p12")
    ResponseEntity<byte[]> developmentPkcs12(@PathVariable String id) {
        return development.pkcs12(id).map(bytes -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pkcs12"))
                .header("Content-Disposition", "attachment; filename=\"" + id + ".dev-only.p12\"").body(bytes))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no development certificate"));
    }

    @GetMapping("/console/partners/{id}/development-certificate.pem")
    ResponseEntity<byte[]> developmentPem(@PathVariable String id) {
        return development.pem(id).map(bytes -> ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file"))
                .header("Content-Disposition", "attachment; filename=\"" + id + ".dev-only.pem\"").body(bytes))
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no development certificate"));
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
