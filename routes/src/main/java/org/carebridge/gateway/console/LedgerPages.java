package org.carebridge.gateway.console;

import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.audit.LedgerIntegrity;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Ledger integrity: the latest signed checkpoint, "verify now" (the offline verifier run over the ledger's own export),
 * and the three files the offline verifier reads, in its format. Each verification and download is an AUDIT_READ.
 */
@Controller
@ConsolePage
public class LedgerPages {

    private final LedgerIntegrity integrity;
    private final AuditTrail audit;

    public LedgerPages(LedgerIntegrity integrity, AuditTrail audit) {
        this.integrity = integrity;
        this.audit = audit;
    }

    @GetMapping("/console/ig/ledger")
    String ledger(Model model) {
        model.addAttribute("standing", integrity.standing());
        return "console/ig-ledger";
    }

    @PostMapping("/console/ig/ledger/verify")
    String verify(Authentication user, Model model) {
        LedgerIntegrity.Verification result = integrity.verifyNow();
        read(user, "POST /console/ig/ledger/verify", "entries=1.." + result.entries() + " checkpoints=" + result.checkpoints()
                + " exit=" + result.exitCode() + " " + result.output().lines().findFirst().orElse(""));
        model.addAttribute("standing", integrity.standing());
        model.addAttribute("verification", result);
        return "console/ig-ledger";
    }

    @GetMapping("/console/ig/ledger/" + LedgerIntegrity.ENTRIES_FILE)
    void entries(Authentication user, HttpServletResponse response) throws IOException {
        long upTo = integrity.entries();
        read(user, "GET /console/ig/ledger/" + LedgerIntegrity.ENTRIES_FILE, "entries=1.." + upTo);
        response.setStatus(200);
        response.setContentType("application/jsonl");
        response.setCharacterEncoding("UTF-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + LedgerIntegrity.ENTRIES_FILE + "\"");
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        integrity.writeEntries(out, upTo);
        out.flush();
    }

    @GetMapping("/console/ig/ledger/" + LedgerIntegrity.CHECKPOINTS_FILE)
    ResponseEntity<String> checkpoints(Authentication user) {
        long upTo = integrity.entries();
        read(user, "GET /console/ig/ledger/" + LedgerIntegrity.CHECKPOINTS_FILE, "up-to=" + upTo);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + LedgerIntegrity.CHECKPOINTS_FILE + "\"")
                .body(integrity.checkpointsJson(upTo));
    }

    @GetMapping("/console/ig/ledger/" + LedgerIntegrity.CERTIFICATE_FILE)
    ResponseEntity<String> certificate(Authentication user) {
        read(user, "GET /console/ig/ledger/" + LedgerIntegrity.CERTIFICATE_FILE, "keyId=" + integrity.standing().signerKeyId());
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/x-pem-file"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + LedgerIntegrity.CERTIFICATE_FILE + "\"")
                .body(integrity.certificatePem());
    }

    private void read(Authentication user, String endpoint, String summary) {
        audit.record(AuditFact.of(AuditKind.AUDIT_READ, user.getName(), IgRole.of(user)).outcome(endpoint, summary));
    }
}
