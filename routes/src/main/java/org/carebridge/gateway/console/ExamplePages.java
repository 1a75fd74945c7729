package org.carebridge.gateway.console;

import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.Refused;
import org.carebridge.gateway.demo.ExampleRecords;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
import java.util.UUID;

/**
 * Dev-only (the embedded default's demo partners): send one of the example records as its own sender, through intake,
 * and watch its copies reach their recipients. Absent when the demo partners are off, as in production.
 */
@Controller
@ConsolePage
@ConditionalOnProperty(name = "carebridge.demo-partners.enabled", havingValue = "true")
public class ExamplePages {

    private final ExampleRecords examples;

    public ExamplePages(ExampleRecords examples) {
        this.examples = examples;
    }

    @GetMapping("/console/demo/examples")
    String choose(Model model) {
        model.addAttribute("examples", examples.examples());
        return "console/demo-examples";
    }

    @PostMapping("/console/demo/examples")
    String send(@RequestParam(required = false) String example, Authentication user, Model model, RedirectAttributes redirect) {
        try {
            var sent = examples.send(example == null ? "" : example, new Actor(user.getName(), IgRole.ADMIN.configName()));
            redirect.addFlashAttribute("done", "Sent " + example + " as " + sent.sender() + ": the agreements chose "
                    + sent.recipients().size() + (sent.recipients().size() == 1 ? " recipient" : " recipients"));
            return "redirect:/console/demo/records/" + sent.trackingId();
        } catch (Refused e) {
            return again(model, example, e.getMessage());
        } catch (IntakeRejected e) {
            return again(model, example, "Intake refused it, as it would over HTTPS: " + e.getMessage());
        }
    }

    private String again(Model model, String example, String message) {
        model.addAttribute("examples", examples.examples());
        model.addAttribute("chosen", example);
        model.addAttribute("errors", List.of(new OperationsPages.FieldError("example", message)));
        return "console/demo-examples";
    }

    @GetMapping("/console/demo/records/{trackingId}")
    String record(@PathVariable String trackingId, Model model) {
        UUID id = known(trackingId);
        model.addAttribute("trackingId", id);
        model.addAttribute("copies", examples.copies(id));
        return "console/demo-record";
    }

    /** The copies table alone, which the record page refreshes in place. */
    @GetMapping("/console/demo/records/{trackingId}/copies")
    String copies(@PathVariable String trackingId, Model model) {
        UUID id = known(trackingId);
        model.addAttribute("trackingId", id);
        model.addAttribute("copies", examples.copies(id));
        return "console/demo-record :: copies";
    }

    private UUID known(String trackingId) {
        try {
            UUID id = UUID.fromString(trackingId);
            if (examples.exists(id)) {
                return id;
            }
        } catch (IllegalArgumentException e) {
            // not a tracking id
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such record");
    }
}
