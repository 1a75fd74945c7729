package org.carebridge.gateway.console;

import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.DeadLetterFilter;
import org.carebridge.gateway.admin.DeadLetters;
import org.carebridge.gateway.admin.DeliveryOverview;
import org.carebridge.gateway.admin.PartnerAdministration;
import org.carebridge.gateway.admin.Refused;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Operators' pages: queues and dead letters. Each calls the same services as the admin API. */
@Controller
@ConsolePage
public class OperationsPages {

    private static final int PAGE_SIZE = 25;

    private final DeadLetters deadLetters;
    private final DeliveryOverview overview;
    private final PartnerAdministration partners;

    public OperationsPages(DeadLetters deadLetters, DeliveryOverview overview, PartnerAdministration partners) {
        this.deadLetters = deadLetters;
        this.overview = overview;
        this.partners = partners;
    }

    @GetMapping("/console/operations")
    String queues(Model model) {
        model.addAttribute("partners", partners.partners());
        model.addAttribute("states", overview.byState());
        return "console/queues";
    }

    /** The per-partner table alone, which the queues page refreshes in place. */
    @GetMapping("/console/operations/backlog")
    String backlog(Model model) {
        model.addAttribute("partners", partners.partners());
        return "console/queues :: backlog";
    }

    @GetMapping("/console/operations/dead-letters")
    String list(@RequestParam(required = false) String partner, @RequestParam(required = false) String event,
                @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                @RequestParam(defaultValue = "1") int page, Model model) {
        model.addAttribute("partnerIds", partners.partners().stream().map(p -> p.partner().id()).toList());
        model.addAttribute("filterPartner", partner);
        model.addAttribute("filterEvent", event);
        model.addAttribute("filterFrom", from);
        model.addAttribute("filterTo", to);
        DeadLetterFilter filter;
        try {
            filter = DeadLetterFilter.parse(partner, event, from, to);
        } catch (Refused e) {
            model.addAttribute("errors", List.of(new FieldError(e.field(), e.getMessage())));
            filter = DeadLetterFilter.ANY;
            model.addAttribute("result", new DeadLetters.Page(List.of(), 0, 0, PAGE_SIZE));
            return "console/dead-letters";
        }
        int current = Math.max(1, page);
        model.addAttribute("result", deadLetters.find(filter, (current - 1) * PAGE_SIZE, PAGE_SIZE));
        model.addAttribute("page", current);
        model.addAttribute("filtered", !filter.any());
        return "console/dead-letters";
    }

    /** The check-your-answers step before copies are sent again: what, how many, to whom, and why. */
    @PostMapping("/console/operations/dead-letters/confirm")
    String confirm(@RequestParam String scope, @RequestParam(name = "deliveryId", required = false) List<String> ids,
                   @RequestParam(required = false) String partner, @RequestParam(required = false) String event,
                   @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                   Model model, RedirectAttributes redirect) {
        Confirmation confirmation;
        try {
            confirmation = confirmation(scope, ids, partner, event, from, to);
        } catch (Refused e) {
            redirect.addFlashAttribute("errors", List.of(new FieldError(e.field(), e.getMessage())));
            redirect.addAllAttributes(filterParameters(partner, event, from, to));
            return "redirect:/console/operations/dead-letters";
        }
        model.addAttribute("confirmation", confirmation);
        return "console/dead-letters-confirm";
    }

    @PostMapping("/console/operations/dead-letters/redeliver")
    String redeliver(@RequestParam String scope, @RequestParam(name = "deliveryId", required = false) List<String> ids,
                     @RequestParam(required = false) String partner, @RequestParam(required = false) String event,
                     @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                     @RequestParam(required = false) String reason, Authentication user, Model model, RedirectAttributes redirect) {
        Actor actor = new Actor(user.getName(), IgRole.OPERATOR.configName());
        Confirmation confirmation = null;
        try {
            confirmation = confirmation(scope, ids, partner, event, from, to);
            DeadLetters.Redelivery done = "matching".equals(scope)
                    ? deadLetters.redeliverMatching(confirmation.filter(), actor, reason)
                    : deadLetters.redeliver(confirmation.ids(), actor, reason);
            redirect.addFlashAttribute("sent", done);
            redirect.addFlashAttribute("sentText", sentText(done));
            return "redirect:/console/operations/dead-letters";
        } catch (Refused e) {
            if (confirmation == null) {
                redirect.addFlashAttribute("errors", List.of(new FieldError(e.field(), e.getMessage())));
                return "redirect:/console/operations/dead-letters";
            }
            model.addAttribute("confirmation", confirmation);
            model.addAttribute("errors", List.of(new FieldError(e.field(), e.getMessage())));
            model.addAttribute("reason", reason);
            return "console/dead-letters-confirm";
        }
    }

    /** A field and what is wrong with it, for the GOV.UK error summary. */
    public record FieldError(String field, String message) {
    }

    /** What an operator is about to send again. */
    public record Confirmation(String scope, List<UUID> ids, DeadLetterFilter filter, long count, Map<String, Long> byPartner,
                               String partner, String event, String from, String to) {
    }

    private Confirmation confirmation(String scope, List<String> ids, String partner, String event, String from, String to) {
        if ("matching".equals(scope)) {
            DeadLetterFilter filter = DeadLetterFilter.parse(partner, event, from, to);
            DeadLetters.Page all = deadLetters.find(filter, 0, DeadLetters.MAX_BULK);
            if (all.total() == 0) {
                throw new Refused("filter", "No dead letters match the filter: there is nothing to send");
            }
            return new Confirmation(scope, List.of(), filter, all.total(), byPartner(all.items()), partner, event, from, to);
        }
        if (!"selected".equals(scope)) {
            throw new Refused("scope", "Choose the copies to send again");
        }
        List<UUID> chosen = new ArrayList<>();
        for (String id : ids == null ? List.<String>of() : ids) {
            try {
                chosen.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                throw new Refused("deliveryId", "Select copies from the list");
            }
        }
        if (chosen.isEmpty()) {
            throw new Refused("deliveryId", "Select at least one copy to send again");
        }
        List<DeadLetters.DeadLetter> found = deadLetters.chosen(chosen);
        if (found.isEmpty()) {
            throw new Refused("deliveryId", "The selected copies are no longer dead-lettered: someone has sent them again");
        }
        return new Confirmation(scope, found.stream().map(DeadLetters.DeadLetter::deliveryId).toList(), DeadLetterFilter.ANY,
                found.size(), byPartner(found), partner, event, from, to);
    }

    private static Map<String, Long> byPartner(List<DeadLetters.DeadLetter> letters) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        letters.forEach(d -> counts.merge(d.partner(), 1L, Long::sum));
        return counts;
    }

    private static String sentText(DeadLetters.Redelivery done) {
        if (done.redelivered() == 0) {
            return "Nothing was sent: the copies had already been sent again";
        }
        List<String> parts = new ArrayList<>();
        done.byPartner().forEach((partner, n) -> parts.add(n + (n == 1 ? " copy" : " copies") + " to " + partner));
        return "Sent again: " + String.join(", ", parts);
    }

    private static Map<String, String> filterParameters(String partner, String event, String from, String to) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        if (partner != null && !partner.isBlank()) parameters.put("partner", partner);
        if (event != null && !event.isBlank()) parameters.put("event", event);
        if (from != null && !from.isBlank()) parameters.put("from", from);
        if (to != null && !to.isBlank()) parameters.put("to", to);
        return parameters;
    }
}
