package org.carebridge.gateway.agreement;

import org.carebridge.gateway.audit.AuditFact;
import org.carebridge.gateway.audit.AuditKind;
import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.security.agreement.Agreement;
import org.carebridge.security.agreement.AgreementLoader;
import org.carebridge.security.config.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The four-eyes lifecycle of an agreement written in the console: an admin uploads or edits a draft, which is checked
 * exactly as the agreements folder is (problems with file and line) and changes nothing when it fails; an ig-officer who
 * wrote none of it approves it; the approved text joins the agreement set at once on every node and comes into force on
 * its start date. Each step is a CONFIG_CHANGED ledger entry with who, what, and the text's hash before and after.
 */
@Component
public class AgreementDrafts {

    private static final Logger log = LoggerFactory.getLogger(AgreementDrafts.class);
    static final int MAX_BYTES = 256 * 1024;

    public enum State { DRAFT, APPROVED, WITHDRAWN, REJECTED }

    /** A draft, or an approved text, as it is stored. */
    public record Draft(UUID id, String agreementId, int version, String fileName, String document, State state, List<String> authors,
                        Instant createdAt, Instant updatedAt, String approvedBy, Instant approvedAt, LocalDate validFrom,
                        String closedBy, Instant closedAt, String closeReason) {

        public String lastAuthor() {
            return authors.get(authors.size() - 1);
        }
    }

    /** Who did a step, under which of their roles (as the ledger records it: {@code admin}, {@code ig-officer}). */
    public record Author(String name, String role) {
    }

    /** A step that changes nothing because it is wrong; the message says what to fix and is safe to show and to log. */
    public static class Refusal extends RuntimeException {
        private final String field;

        Refusal(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }

        /** The form field or JSON property at fault. */
        public String field() {
            return field;
        }
    }

    /** A draft refused because it does not pass the agreement checks; each problem names the file and line. */
    public static final class Invalid extends Refusal {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super("document", "The draft has " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ": nothing was saved");
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** An approval refused because the approver wrote or edited the draft. */
    public static final class FourEyes extends Refusal {
        FourEyes() {
            super("approve", "You wrote or edited this draft, so you cannot approve it: another ig-officer must approve it");
        }
    }

    static final int MAX_REASON = 500;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final AuditTrail audit;
    private final AgreementRegistry registry;

    public AgreementDrafts(JdbcTemplate jdbc, TransactionTemplate transaction, AuditTrail audit, AgreementRegistry registry) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.audit = audit;
        this.registry = registry;
    }

    /** Drafts waiting for approval, oldest first. */
    public List<Draft> waiting() {
        return jdbc.query(SELECT + " where state = 'DRAFT' order by created_at, draft_id", ROW);
    }

    /** The drafts withdrawn or rejected most recently, newest first, so their authors find the reason. */
    public List<Draft> recentlyClosed(int limit) {
        return jdbc.query(SELECT + " where state in ('WITHDRAWN', 'REJECTED') order by closed_at desc, draft_id limit ?", ROW, limit);
    }

    public Optional<Draft> draft(UUID id) {
        return jdbc.query(SELECT + " where draft_id = ?", ROW, id).stream().findFirst();
    }

    /** The approved text of one agreement version, when it came through the console. */
    public Optional<Draft> approved(String agreementId, int version) {
        return jdbc.query(SELECT + " where state = 'APPROVED' and agreement_id = ? and version = ? order by approved_at desc", ROW,
                agreementId, version).stream().findFirst();
    }

    public Draft upload(String fileName, String document, Author actor) {
        String name = fileName(fileName);
        String text = text(document);
        Agreement agreement = check(name, text);
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        transaction.executeWithoutResult(tx -> {
            if (!jdbc.queryForList("select draft_id from agreement_draft where state = 'DRAFT' and agreement_id = ? and version = ? for update",
                    UUID.class, agreement.id(), agreement.version()).isEmpty()) {
                throw new Refusal("document", "A draft of " + agreement.id() + " version " + agreement.version()
                        + " is already waiting for approval: edit that draft instead");
            }
            jdbc.update("""
                    insert into agreement_draft (draft_id, agreement_id, version, file_name, document, state, authors, created_at,
                                                 updated_at, valid_from)
                    values (?, ?, ?, ?, ?, 'DRAFT', ?, ?, ?, ?)""", ps -> {
                ps.setObject(1, id);
                ps.setString(2, agreement.id());
                ps.setInt(3, agreement.version());
                ps.setString(4, name);
                ps.setString(5, text);
                ps.setArray(6, ps.getConnection().createArrayOf("text", new String[]{actor.name()}));
                ps.setTimestamp(7, Timestamp.from(now));
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setDate(9, agreement.validFrom() == null ? null : Date.valueOf(agreement.validFrom()));
            });
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).agreement(agreement.id(), agreement.version(), null)
                    .outcome("agreement-drafted", "draft=" + id + " file=" + name + " before=none after=draft text=" + hash(text)));
        });
        log.info("{} ({}) drafted agreement {} v{}", actor.name(), actor.role(), agreement.id(), agreement.version());
        return draft(id).orElseThrow();
    }

    public Draft edit(UUID id, String document, Author actor) {
        Draft before = open(id);
        String text = text(document);
        Agreement agreement = check(before.fileName(), text);
        transaction.executeWithoutResult(tx -> {
            int updated = jdbc.update("""
                    update agreement_draft set document = ?, agreement_id = ?, version = ?, valid_from = ?, updated_at = ?,
                           authors = case when ? = any (authors) then authors else array_append(authors, ?) end
                    where draft_id = ? and state = 'DRAFT' and document = ?""", text, agreement.id(), agreement.version(),
                    agreement.validFrom() == null ? null : Date.valueOf(agreement.validFrom()), Timestamp.from(Instant.now()),
                    actor.name(), actor.name(), id, before.document());
            if (updated == 0) {
                throw new Refusal("document", "Someone changed or approved this draft while you were editing it: nothing was saved");
            }
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).agreement(agreement.id(), agreement.version(), null)
                    .outcome("agreement-draft-edited", "draft=" + id + " before=" + hash(before.document()) + " after=" + hash(text)));
        });
        return draft(id).orElseThrow();
    }

    /** Four eyes: the approver holds ig-officer and wrote none of the draft. The new set applies at once. */
    public Draft approve(UUID id, Author approver) {
        Draft draft = open(id);
        if (draft.authors().contains(approver.name())) {
            audit.record(AuditFact.of(AuditKind.REFUSED, approver.name(), approver.role()).agreement(draft.agreementId(), draft.version(), null)
                    .outcome("403", "agreement-four-eyes draft=" + id));
            throw new FourEyes();
        }
        Agreement agreement = check(draft.fileName(), draft.document());
        transaction.executeWithoutResult(tx -> {
            int updated = jdbc.update("""
                    update agreement_draft set state = 'APPROVED', approved_by = ?, approved_at = ?
                    where draft_id = ? and state = 'DRAFT' and document = ? and not (? = any (authors))""",
                    approver.name(), Timestamp.from(Instant.now()), id, draft.document(), approver.name());
            if (updated == 0) {
                throw new Refusal("approve", "The draft changed while you were reading it: read it again before approving");
            }
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, approver.name(), approver.role())
                    .agreement(agreement.id(), agreement.version(), agreement.lawfulBasis().summary())
                    .outcome("agreement-approved", "draft=" + id + " before=draft after=approved text=" + hash(draft.document())
                            + " authors=" + String.join(",", draft.authors()) + " valid=" + agreement.validity()));
        });
        registry.reload();
        log.info("{} ({}) approved agreement {} v{}", approver.name(), approver.role(), agreement.id(), agreement.version());
        noteComingIntoForce(registry.today());
        return draft(id).orElseThrow();
    }

    /**
     * An admin takes a waiting draft back (any admin: the one who drafted it may have left). Nothing joins the set; the
     * agreement id and version are free for a new draft.
     */
    public Draft withdraw(UUID id, Author actor) {
        Draft draft = open(id);
        close(draft, State.WITHDRAWN, null, actor, "agreement-draft-withdrawn");
        log.info("{} ({}) withdrew the draft of agreement {} v{}", actor.name(), actor.role(), draft.agreementId(), draft.version());
        return draft(id).orElseThrow();
    }

    /**
     * An ig-officer turns a waiting draft down, saying why. The reason is kept with the draft, for its authors to read;
     * the ledger entry names who rejected which text, not the reason's words.
     */
    public Draft reject(UUID id, String reason, Author actor) {
        Draft draft = open(id);
        if (reason == null || reason.isBlank()) {
            throw new Refusal("reason", "Enter the reason for rejecting the draft, so its authors know what to change");
        }
        String text = reason.strip();
        if (text.length() > MAX_REASON) {
            throw new Refusal("reason", "The reason must be " + MAX_REASON + " characters or fewer");
        }
        close(draft, State.REJECTED, text, actor, "agreement-draft-rejected");
        log.info("{} ({}) rejected the draft of agreement {} v{}", actor.name(), actor.role(), draft.agreementId(), draft.version());
        return draft(id).orElseThrow();
    }

    private void close(Draft draft, State state, String reason, Author actor, String step) {
        transaction.executeWithoutResult(tx -> {
            int updated = jdbc.update("""
                    update agreement_draft set state = ?, closed_by = ?, closed_at = ?, close_reason = ?
                    where draft_id = ? and state = 'DRAFT' and document = ?""",
                    state.name(), actor.name(), Timestamp.from(Instant.now()), reason, draft.id(), draft.document());
            if (updated == 0) {
                throw new Refusal("draft", "Someone changed, approved or closed this draft while you were reading it: read it again");
            }
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, actor.name(), actor.role()).agreement(draft.agreementId(), draft.version(), null)
                    .outcome(step, "draft=" + draft.id() + " before=draft after=" + state.name().toLowerCase() + " text=" + hash(draft.document())
                            + " authors=" + String.join(",", draft.authors())));
        });
    }

    /** Each morning (and after an approval): the ledger says which approved agreements came into force today. */
    public void noteComingIntoForce() {
        noteComingIntoForce(registry.today());
    }

    /** @return the agreements newly noted as in force on {@code day} */
    public List<String> noteComingIntoForce(LocalDate day) {
        List<String> noted = new ArrayList<>();
        transaction.executeWithoutResult(tx -> jdbc.query("""
                update agreement_draft set in_force_noted = ?
                where state = 'APPROVED' and in_force_noted is null and (valid_from is null or valid_from <= ?)
                returning draft_id, agreement_id, version, valid_from""", rs -> {
            String label = rs.getString(2) + " v" + rs.getInt(3);
            noted.add(label);
            audit.record(AuditFact.of(AuditKind.CONFIG_CHANGED, "gateway", "agreements").agreement(rs.getString(2), rs.getInt(3), null)
                    .outcome("agreement-in-force", "draft=" + rs.getObject(1) + " before=approved after=in-force from="
                            + (rs.getDate(4) == null ? "open" : rs.getDate(4).toLocalDate()) + " day=" + day));
        }, Timestamp.from(Instant.now()), Date.valueOf(day)));
        noted.forEach(label -> log.info("Agreement {} is in force from today", label));
        return noted;
    }

    /** Checks a text as it would join the set; an invalid draft changes nothing. */
    public Agreement check(String fileName, String document) {
        String name = fileName(fileName);
        String text = text(document);
        try {
            List<Agreement> set = registry.trial(new AgreementLoader.Text(name, text)).agreements();
            // the draft is the last text of the set
            return set.get(set.size() - 1);
        } catch (ConfigurationException e) {
            String source = e.source();
            throw new Invalid(e.problems().stream().map(p -> source + ": " + p).toList());
        }
    }

    private Draft open(UUID id) {
        Draft draft = draft(id).orElseThrow(() -> new Refusal("draft", "There is no such draft"));
        if (draft.state() != State.DRAFT) {
            throw new Refusal("draft", "This draft was already " + draft.state().name().toLowerCase() + " and can no longer change");
        }
        return draft;
    }

    private static String fileName(String fileName) {
        String name = fileName == null ? "" : fileName.strip();
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.ya?ml")) {
            throw new Refusal("fileName", "Enter a file name of letters, digits, dots and hyphens ending .yaml, for example missing-episode-v2.yaml");
        }
        return name;
    }

    private static String text(String document) {
        if (document == null || document.isBlank()) {
            throw new Refusal("document", "Choose an agreement file or paste its YAML");
        }
        if (document.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new Refusal("document", "The agreement must be " + MAX_BYTES / 1024 + " KB or smaller");
        }
        return document.replace("\r\n", "\n");
    }

    static String hash(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String SELECT = """
            select draft_id, agreement_id, version, file_name, document, state, authors, created_at, updated_at, approved_by,
                   approved_at, valid_from, closed_by, closed_at, close_reason from agreement_draft""";

    private static final RowMapper<Draft> ROW = (rs, i) -> new Draft(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3),
            rs.getString(4), rs.getString(5), State.valueOf(rs.getString(6)), Arrays.asList((String[]) rs.getArray(7).getArray()),
            rs.getTimestamp(8).toInstant(), rs.getTimestamp(9).toInstant(), rs.getString(10),
            rs.getTimestamp(11) == null ? null : rs.getTimestamp(11).toInstant(), rs.getDate(12) == null ? null : rs.getDate(12).toLocalDate(),
            rs.getString(13), rs.getTimestamp(14) == null ? null : rs.getTimestamp(14).toInstant(), rs.getString(15));
}
