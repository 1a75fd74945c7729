package org.carebridge.ledger;

import java.util.List;
import java.util.Objects;

/**
 * One audit ledger entry. {@code seq}, {@code time}, {@code kind}, {@code subjectKeys} and, once sealed,
 * {@code prevHash} and {@code hash} are always present; {@code actor} to {@code reason} may be null.
 *
 * @param time        ISO-8601 instant text, e.g. {@code 2026-11-22T12:00:00.123456Z}
 * @param subjectKeys hex keyed hashes of the data subjects; may be empty, never null
 * @param prevHash    the hash of entry {@code seq - 1}, or {@link LedgerHashes#GENESIS} for entry 1
 * @param hash        SHA-256(prevHash bytes || leafHash), hex
 */
public record LedgerEntry(long seq, String time, String kind, String actor, String actorRole, String trackingId,
        String agreementId, Integer agreementVersion, String lawfulBasis, String recipient, String outcome,
        String reason, List<String> subjectKeys, String prevHash, String hash) {

    /** The export line's field names, in canonical order; "hash" last and outside the canonical encoding. */
    static final List<String> FIELDS = List.of("seq", "time", "kind", "actor", "actorRole", "trackingId",
            "agreementId", "agreementVersion", "lawfulBasis", "recipient", "outcome", "reason", "subjectKeys",
            "prevHash", "hash");

    public LedgerEntry {
        subjectKeys = subjectKeys == null ? List.of() : List.copyOf(subjectKeys);
    }

    /** An entry not yet sealed: no prevHash, no hash. Pass it to {@link #seal}. */
    public LedgerEntry(long seq, String time, String kind, String actor, String actorRole, String trackingId,
            String agreementId, Integer agreementVersion, String lawfulBasis, String recipient, String outcome,
            String reason, List<String> subjectKeys) {
        this(seq, time, kind, actor, actorRole, trackingId, agreementId, agreementVersion, lawfulBasis, recipient,
                outcome, reason, subjectKeys, null, null);
    }

    /** The entry's fields (prevHash and hash ignored) chained after {@code prevHash}, with its hash computed. */
    public static LedgerEntry seal(LedgerEntry fields, String prevHash) {
        Objects.requireNonNull(fields.time, "time");
        Objects.requireNonNull(fields.kind, "kind");
        if (fields.seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + fields.seq);
        }
        LedgerEntry chained = new LedgerEntry(fields.seq, fields.time, fields.kind, fields.actor, fields.actorRole,
                fields.trackingId, fields.agreementId, fields.agreementVersion, fields.lawfulBasis, fields.recipient,
                fields.outcome, fields.reason, fields.subjectKeys, prevHash, null);
        return chained.withHash(chained.computeHash());
    }

    /** The canonical JSON of every field but {@code hash}, as UTF-8. */
    public byte[] canonicalBytes() {
        return canonicalJson().toBytes();
    }

    /** SHA-256(0x00 || canonical bytes). */
    public byte[] leafHash() {
        return LedgerHashes.leafHash(canonicalBytes());
    }

    /** The hash this entry's contents and prevHash call for (which {@link #hash} should equal). */
    public String computeHash() {
        return LedgerHashes.chainHash(prevHash, leafHash());
    }

    /** One JSON Lines line (without the line break): the canonical JSON with {@code "hash"} appended. */
    public String toExportLine() {
        Objects.requireNonNull(hash, "an entry must be sealed before it is exported");
        return canonicalJson().text("hash", hash).toString();
    }

    /** Reads one export line; throws IllegalArgumentException if it is not a well-formed entry. */
    public static LedgerEntry fromExportLine(String line) {
        JsonReader.Fields json = JsonReader.readObject(line, FIELDS);
        return new LedgerEntry(json.integer("seq"), json.text("time"), json.text("kind"), json.optionalText("actor"),
                json.optionalText("actorRole"), json.optionalText("trackingId"), json.optionalText("agreementId"),
                json.optionalInteger("agreementVersion"), json.optionalText("lawfulBasis"),
                json.optionalText("recipient"), json.optionalText("outcome"), json.optionalText("reason"),
                json.texts("subjectKeys"), json.text("prevHash"), json.text("hash"));
    }

    private LedgerEntry withHash(String newHash) {
        return new LedgerEntry(seq, time, kind, actor, actorRole, trackingId, agreementId, agreementVersion,
                lawfulBasis, recipient, outcome, reason, subjectKeys, prevHash, newHash);
    }

    private CanonicalJson canonicalJson() {
        return new CanonicalJson()
                .integer("seq", seq)
                .text("time", time)
                .text("kind", kind)
                .text("actor", actor)
                .text("actorRole", actorRole)
                .text("trackingId", trackingId)
                .text("agreementId", agreementId)
                .integer("agreementVersion", agreementVersion == null ? null : agreementVersion.longValue())
                .text("lawfulBasis", lawfulBasis)
                .text("recipient", recipient)
                .text("outcome", outcome)
                .text("reason", reason)
                .texts("subjectKeys", subjectKeys)
                .text("prevHash", prevHash);
    }
}
