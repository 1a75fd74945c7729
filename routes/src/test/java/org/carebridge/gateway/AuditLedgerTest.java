package org.carebridge.gateway;

import org.carebridge.gateway.audit.CheckpointSigner;
import org.carebridge.gateway.audit.LedgerExport;
import org.carebridge.gateway.audit.LedgerWriter;
import org.carebridge.gateway.audit.SubjectKeys;
import org.carebridge.gateway.pki.GatewayPki;
import org.carebridge.gateway.support.Examples;
import org.carebridge.gateway.support.GatewayTest;
import org.carebridge.ledger.Checkpoint;
import org.carebridge.ledger.LedgerEntry;
import org.carebridge.ledger.LedgerVerifier;
import org.carebridge.ledger.MerkleFrontier;
import org.carebridge.ledger.MerkleTree;
import org.carebridge.security.consent.SubjectIdentifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every decision and disclosure lands in the hash-chained ledger, which only grows and verifies offline. */
class AuditLedgerTest extends GatewayTest {

    @Autowired
    LedgerWriter writer;

    @Autowired
    LedgerExport export;

    @Autowired
    GatewayPki pki;

    @Autowired
    SubjectKeys subjectKeys;

    @Autowired
    CheckpointSigner signer;

    @Test
    void thePlacementWalkthroughIsRecordedEntryByEntry() throws Exception {
        String messageId = Examples.newMessageId();
        var response = as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(messageId)));
        String trackingId = response.headers().firstValue("X-CareBridge-Tracking-Id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(inboxFile("vs-suffolk", messageId))
                && Files.exists(inboxFile("cs-norfolk", messageId)) && Files.exists(inboxFile("health-norfolk", messageId)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(jdbc.queryForList(
                "select kind || ':' || coalesce(recipient, '-') from audit_entry where tracking_id = ? order by seq", String.class, trackingId))
                .contains("RECEIVED:-", "DECIDED:cs-norfolk", "DECIDED:health-norfolk", "DECIDED:vs-suffolk", "DENIED:police-norfolk",
                        "DISCLOSED:cs-norfolk", "DISCLOSED:health-norfolk", "DISCLOSED:vs-suffolk"));
        var denied = jdbc.queryForMap("select agreement_id, agreement_version, lawful_basis, reason from audit_entry "
                + "where tracking_id = ? and kind = 'DENIED'", trackingId);
        assertThat(denied.get("agreement_id")).isEqualTo("placement-notification");
        assertThat(denied.get("reason")).isEqualTo("condition-not-met");
        assertThat((String) denied.get("lawful_basis")).contains("UK GDPR");
        // Subjects are keyed hashes: the ledger holds no identifier in the clear.
        String subjects = jdbc.queryForObject("select array_to_string(subject_keys, ',') from audit_entry where tracking_id = ? and kind = 'RECEIVED'",
                String.class, trackingId);
        assertThat(subjects).isNotBlank().doesNotContain("9434765919");
        assertThat(jdbc.queryForObject("select count(*) from audit_entry where reason like '%9434765919%' or actor like '%9434765919%'", Long.class)).isZero();
        // The identifier itself is kept once per subject key, encrypted: no clear identifier in the table.
        String nhsKey = subjectKeys.keyOf(new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919"));
        assertThat(subjects).contains(nhsKey);
        Map<String, Object> sealed = jdbc.queryForMap("select key_id, nonce, ciphertext from audit_subject_value where subject_key = ?", nhsKey);
        assertThat((byte[]) sealed.get("nonce")).hasSize(12);
        assertThat(new String((byte[]) sealed.get("ciphertext"), StandardCharsets.ISO_8859_1)).doesNotContain("9434765919")
                .doesNotContain("nhs-number");
        assertThat(jdbc.queryForObject("select count(*) from audit_subject_value where position(convert_to('9434765919', 'UTF8') in ciphertext) > 0"
                + " or key_id like '%9434765919%'", Long.class)).isZero();
        assertThat(subjectKeys.identifiers(List.of(nhsKey))).containsEntry(nhsKey,
                new SubjectIdentifier(SubjectIdentifier.NHS_NUMBER, "9434765919"));
    }

    @Test
    void theLedgerRefusesUpdateDeleteAndTruncate() {
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_entry", Long.class) > 0);

        assertThatThrownBy(() -> jdbc.update("update audit_entry set reason = 'changed' where seq = 1"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("delete from audit_entry where seq = 1"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("truncate audit_entry cascade"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("append-only");
        assertThat(jdbc.queryForObject("select reason from audit_entry where seq = 1", String.class)).isNotEqualTo("changed");
    }

    @Test
    void anExportVerifiesOfflineAndAnEditedEntryIsNamed() throws Exception {
        as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_outbox", Long.class) == 0
                && jdbc.queryForObject("select count(*) from audit_entry", Long.class) > 5);
        Checkpoint earlier = writer.checkpoint();
        as("cs-suffolk").processMessage(Examples.bytes(Examples.placementNotification(Examples.newMessageId())));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_entry", Long.class)
                > earlier.treeSize());
        Checkpoint checkpoint = writer.checkpoint();
        // each checkpoint keeps the Merkle frontier the next one starts from, and it gives the signed root
        for (Checkpoint c : List.of(earlier, checkpoint)) {
            MerkleFrontier frontier = MerkleFrontier.fromText(jdbc.queryForObject(
                    "select frontier from audit_checkpoint_frontier where tree_size = ?", String.class, c.treeSize()));
            Checkpoint stored = Checkpoint.fromJson(jdbc.queryForObject("select document from audit_checkpoint where tree_size = ?",
                    String.class, c.treeSize()));
            assertThat(frontier.size()).isEqualTo(c.treeSize());
            assertThat(frontier.rootHex()).isEqualTo(stored.rootHash()).isEqualTo(c.rootHash());
        }
        List<byte[]> allLeaves = jdbc.query("select leaf_hash from audit_entry where seq <= ? order by seq",
                (rs, i) -> HexFormat.of().parseHex(rs.getString(1)), checkpoint.treeSize());
        assertThat(checkpoint.rootHash()).isEqualTo(MerkleTree.rootHex(allLeaves));

        StringWriter out = new StringWriter();
        export.writeEntries(out, 1, checkpoint.treeSize());
        List<String> lines = out.toString().lines().toList();
        List<Checkpoint> checkpoints = export.checkpoints(checkpoint.treeSize());
        assertThat(lines).hasSize((int) checkpoint.treeSize());

        LedgerVerifier.Result clean = LedgerVerifier.verify(parse(lines), checkpoints, signer.certificate(), null);
        assertThat(clean.ok()).as(clean.message()).isTrue();
        // checkpoints are signed with their own key, issued by the dev CA, not the gateway's TLS key
        assertThat(signer.certificate().getPublicKey()).isNotEqualTo(pki.tlsIdentity().certificate().getPublicKey());
        assertThat(signer.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(signer.certificate().getSubjectX500Principal().getName()).contains("DEV-ONLY");
        signer.certificate().verify(pki.trustAnchors().get(0).getPublicKey());
        LedgerVerifier.Result tlsKey = LedgerVerifier.verify(parse(lines), checkpoints, pki.tlsIdentity().certificate(), null);
        assertThat(tlsKey.ok()).isFalse();
        assertThat(tlsKey.message()).contains("signed by key " + checkpoint.keyId());

        List<String> tampered = new ArrayList<>(lines);
        tampered.set(2, tampered.get(2).replaceFirst("\"kind\":\"([A-Z_]+)\"", "\"kind\":\"$1_EDITED\""));
        LedgerVerifier.Result edited = LedgerVerifier.verify(parse(tampered), checkpoints, signer.certificate(), null);
        assertThat(edited.ok()).isFalse();
        assertThat(edited.firstBadSeq()).isEqualTo(3);
    }

    private static List<LedgerEntry> parse(List<String> lines) {
        return lines.stream().map(LedgerEntry::fromExportLine).toList();
    }
}
