package org.carebridge.gateway.audit;

import org.carebridge.security.consent.SubjectIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Subject identifiers as the ledger stores them: HMAC-SHA256 under a secret key, so that IG can look a child up by
 * identifier while the ledger itself holds no identifier in the clear. The identifier itself is kept once per key,
 * encrypted ({@code audit_subject_value}, AES-256-GCM bound to the key), so IG can see which identifier a key stands for.
 */
public class SubjectKeys {

    private static final Logger log = LoggerFactory.getLogger(SubjectKeys.class);

    private final SecretKeySpec key;
    private final SubjectEncryption encryption;
    private final JdbcTemplate jdbc;

    /** Keys only: {@link #keep} and {@link #identifiers} are unavailable. */
    public SubjectKeys(byte[] secret) {
        this(secret, null, null);
    }

    public SubjectKeys(byte[] secret, SubjectEncryption encryption, JdbcTemplate jdbc) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the audit subject key must be at least 256 bits");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.encryption = encryption;
        this.jdbc = jdbc;
    }

    public String keyOf(SubjectIdentifier subject) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(text(subject).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public List<String> keysOf(Collection<SubjectIdentifier> subjects) {
        return subjects.stream().map(this::keyOf).distinct().toList();
    }

    /**
     * The keys of these subjects, as {@link #keysOf}, keeping each identifier encrypted the first time it is seen (in the
     * caller's transaction, when there is one).
     */
    public List<String> keep(Collection<SubjectIdentifier> subjects) {
        Map<String, SubjectIdentifier> byKey = byKey(subjects);
        if (!byKey.isEmpty()) {
            AuditTrail.Change keeping = keeping(byKey);
            jdbc.update(keeping.sql(), keeping.args().toArray());
        }
        return List.copyOf(byKey.keySet());
    }

    /**
     * As {@link #keep}: holds the rows already kept at once, and returns the change that inserts the others, to run in
     * the statement that records the caller's facts ({@link AuditTrail#recordAllAfter}): the same statement for any
     * number of subjects, none included.
     */
    public AuditTrail.Change keeping(Collection<SubjectIdentifier> subjects) {
        return keeping(byKey(subjects));
    }

    private Map<String, SubjectIdentifier> byKey(Collection<SubjectIdentifier> subjects) {
        Map<String, SubjectIdentifier> byKey = new LinkedHashMap<>();
        subjects.forEach(s -> byKey.putIfAbsent(keyOf(s), s));
        return byKey;
    }

    /**
     * Holds the rows of the keys already kept with a share lock, now, until the caller's transaction ends, so retention
     * erasure (which locks them for update) cannot delete one under a new record, while records about the same child,
     * which only share the lock, do not wait for one another; returns the change that inserts the others. A key another
     * transaction inserts meanwhile is left to it, its committed record keeping the row from erasure.
     */
    private AuditTrail.Change keeping(Map<String, SubjectIdentifier> byKey) {
        if (!byKey.isEmpty()) {
            jdbc.queryForList("select subject_key from audit_subject_value where subject_key = any (?) order by subject_key for share",
                    String.class, (Object) byKey.keySet().toArray(String[]::new));
        }
        Map<String, SubjectIdentifier> ordered = new java.util.TreeMap<>(byKey);
        int n = ordered.size();
        String[] keys = new String[n], keyIds = new String[n];
        byte[][] nonces = new byte[n][], ciphertexts = new byte[n][];
        int i = 0;
        for (Map.Entry<String, SubjectIdentifier> e : ordered.entrySet()) {
            SubjectEncryption.Sealed sealed = encryption().seal(text(e.getValue()), associated(e.getKey()));
            keys[i] = e.getKey();
            keyIds[i] = sealed.keyId();
            nonces[i] = sealed.nonce();
            ciphertexts[i] = sealed.ciphertext();
            i++;
        }
        return new AuditTrail.Change("""
                insert into audit_subject_value (subject_key, key_id, nonce, ciphertext)
                select s.subject_key, s.key_id, s.nonce, s.ciphertext
                from unnest(?::text[], ?::text[], ?::bytea[], ?::bytea[]) with ordinality as s (subject_key, key_id, nonce, ciphertext, ord)
                order by s.ord
                on conflict (subject_key) do nothing""",
                List.of(keys, keyIds, nonces, ciphertexts));
    }

    /**
     * The identifiers behind these keys, where kept. A value that does not decrypt, or decrypts to an identifier whose
     * key is not the one it is filed under (moved between rows), is left out and logged by key.
     */
    public Map<String, SubjectIdentifier> identifiers(Collection<String> keys) {
        Map<String, SubjectIdentifier> found = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        jdbc.query("select subject_key, key_id, nonce, ciphertext from audit_subject_value where subject_key = any (?)", rs -> {
            String subjectKey = rs.getString(1);
            try {
                String text = encryption().open(new SubjectEncryption.Sealed(rs.getString(2), rs.getBytes(3), rs.getBytes(4)),
                        associated(subjectKey));
                int bar = text.indexOf('|');
                SubjectIdentifier identifier = new SubjectIdentifier(text.substring(0, bar), text.substring(bar + 1));
                if (!keyOf(identifier).equals(subjectKey)) {
                    throw new IllegalStateException("the identifier does not hash to the key it is filed under");
                }
                found.put(subjectKey, identifier);
            } catch (IllegalStateException | StringIndexOutOfBoundsException e) {
                log.warn("Encrypted identifier for subject key {} not shown: {}", subjectKey, e.getMessage());
            }
        }, (Object) keys.toArray(String[]::new));
        return found;
    }

    private SubjectEncryption encryption() {
        if (encryption == null || jdbc == null) {
            throw new IllegalStateException("no subject encryption key is configured");
        }
        return encryption;
    }

    private static byte[] associated(String subjectKey) {
        return ("audit_subject_value|" + subjectKey).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(SubjectIdentifier subject) {
        return subject.system() + "|" + subject.value();
    }
}
