package org.carebridge.gateway.console;

import org.carebridge.gateway.clock.ClockState;
import org.carebridge.gateway.clock.ClockView;
import org.carebridge.gateway.clock.RecordClocks;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Operators' view of the sharing deadlines: breaches (including copies delivered late) and warnings, each with its
 * record, rule, deadline and the partners still waiting, from the same {@link RecordClocks} as {@code GET /ig/clocks}.
 * Metadata only: nothing about the child.
 */
@Controller
@ConsolePage
public class ClockPages {

    static final int LIMIT = 500;

    private final RecordClocks clocks;

    public ClockPages(RecordClocks clocks) {
        this.clocks = clocks;
    }

    /** A clock as a row: how far past (or before) its deadline, in words. */
    public record Row(ClockView clock, boolean late, String distance) {

        public boolean deliveredLate() {
            return clock.breachedAt() != null && clock.stoppedAt() != null;
        }
    }

    @GetMapping("/console/operations/clocks")
    String clocks(@RequestParam(required = false) String state, Model model) {
        ClockState shown = ClockState.WARNING.name().equals(state) ? ClockState.WARNING : ClockState.BREACHED;
        Instant now = Instant.now();
        List<Row> rows = clocks.list(shown, LIMIT).stream().map(c -> row(c, now)).toList();
        model.addAttribute("rows", rows);
        model.addAttribute("state", shown.name());
        model.addAttribute("limit", LIMIT);
        return "console/clocks";
    }

    static Row row(ClockView clock, Instant now) {
        Instant until = clock.stoppedAt() != null ? clock.stoppedAt() : now;
        Duration gap = Duration.between(clock.deadline(), until);
        boolean late = !gap.isNegative();
        String words = ConsoleTimes.duration(late ? gap : gap.negated());
        return new Row(clock, late, clock.stoppedAt() != null ? "delivered " + words + " late" : late ? words + " overdue" : words + " left");
    }
}
