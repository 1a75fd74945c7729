package org.carebridge.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {

    private static final String KEY = "ab".repeat(32);

    private static LedgerEntry decision() {
        return new LedgerEntry(1, "2026-11-22T12:00:00.123456Z", "DECISION", "cs-suffolk", null, "trk-1",
                "placement", 2, null, "cs-norfolk", "SHARED", null, List.of(KEY));
    }

    @Test
    void canonicalJsonHasTheFieldsInOrderWithoutNullsOrWhitespace() {
        LedgerEntry sealed = LedgerEntry.seal(decision(), LedgerHashes.GENESIS);

        assertThat(new String(sealed.canonicalBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"seq\":1,\"time\":\"2026-11-22T12:00:00.123456Z\",\"kind\":\"DECISION\",\"actor\":\"cs-suffolk\","
                        + "\"trackingId\":\"trk-1\",\"agreementId\":\"placement\",\"agreementVersion\":2,"
                        + "\"recipient\":\"cs-norfolk\",\"outcome\":\"SHARED\",\"subjectKeys\":[\"" + KEY + "\"],"
                        + "\"prevHash\":\"" + "0".repeat(64) + "\"}");
    }

    @Test
    void subjectKeysAreAlwaysPresent() {
        LedgerEntry entry = LedgerEntry.seal(new LedgerEntry(1, "t", "K", null, null, null, null, null, null, null,
                null, null, null), LedgerHashes.GENESIS);

        assertThat(new String(entry.canonicalBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"seq\":1,\"time\":\"t\",\"kind\":\"K\",\"subjectKeys\":[],\"prevHash\":\""
                        + LedgerHashes.GENESIS + "\"}");
    }

    @Test
    void stringsAreEscapedMinimally() {
        LedgerEntry entry = new LedgerEntry(1, "t", "K", null, null, null, null, null, null, null, null,
                "q\" b\\ \b\f\n\r\t \u0000\u001f\u007f / é 😀 <>&", List.of(), LedgerHashes.GENESIS, null);

        assertThat(new String(entry.canonicalBytes(), StandardCharsets.UTF_8)).contains(
                "\"reason\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000\\u001f\u007f / é 😀 <>&\"");
    }

    @Test
    void unpairedSurrogatesCannotBeEncoded() {
        LedgerEntry entry = new LedgerEntry(1, "t", "K", "\ud800x", null, null, null, null, null, null, null, null,
                List.of(), LedgerHashes.GENESIS, null);

        assertThatThrownBy(entry::canonicalBytes).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashChainsTheLeafHashOntoThePreviousHash() throws Exception {
        LedgerEntry first = LedgerEntry.seal(decision(), LedgerHashes.GENESIS);
        LedgerEntry second = LedgerEntry.seal(new LedgerEntry(2, "2026-11-22T12:00:01Z", "DELIVERY", null, null,
                "trk-1", null, null, null, "cs-norfolk", "DELIVERED", null, List.of()), first.hash());

        assertThat(first.prevHash()).isEqualTo("0".repeat(64));
        assertThat(first.hash()).isEqualTo(independentHash(first));
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.hash()).isEqualTo(independentHash(second));
    }

    private static String independentHash(LedgerEntry entry) throws Exception {
        MessageDigest leaf = MessageDigest.getInstance("SHA-256");
        leaf.update((byte) 0);
        leaf.update(entry.canonicalBytes());
        MessageDigest chain = MessageDigest.getInstance("SHA-256");
        chain.update(HexFormat.of().parseHex(entry.prevHash()));
        chain.update(leaf.digest());
        return HexFormat.of().formatHex(chain.digest());
    }

    @Test
    void exportLineIsTheCanonicalJsonWithTheHashAppendedAndReadsBack() {
        for (LedgerEntry entry : TestLedger.ledger(6)) {
            String canonical = new String(entry.canonicalBytes(), StandardCharsets.UTF_8);
            String line = entry.toExportLine();

            assertThat(line).isEqualTo(canonical.substring(0, canonical.length() - 1)
                    + ",\"hash\":\"" + entry.hash() + "\"}");
            assertThat(line).doesNotContain("\n");
            assertThat(LedgerEntry.fromExportLine(line)).isEqualTo(entry);
        }
    }

    @Test
    void readerAcceptsOrdinaryJsonSpellingsOfTheSameEntry() {
        LedgerEntry entry = LedgerEntry.seal(decision(), LedgerHashes.GENESIS);
        String respelled = " " + entry.toExportLine().replace(",", " ,\n ").replace("cs-suffolk", "cs\\u002dsuffolk")
                .replace("\"trackingId\"", "\"actorRole\":null,\"trackingId\"") + "  ";

        LedgerEntry read = LedgerEntry.fromExportLine(respelled);

        assertThat(read).isEqualTo(entry);
    }

    @Test
    void readerRejectsWhatIsNotAnEntry() {
        String line = LedgerEntry.seal(decision(), LedgerHashes.GENESIS).toExportLine();

        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.replace("\"seq\":1", "\"seq\":1.0")))
                .hasMessageContaining("integers");
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.replace("\"seq\":1,", "")))
                .hasMessageContaining("missing field \"seq\"");
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.replace("{", "{\"note\":\"x\",")))
                .hasMessageContaining("unknown field \"note\"");
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.replace("{", "{\"kind\":\"X\",")))
                .hasMessageContaining("duplicate field \"kind\"");
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line + "x")).hasMessageContaining("after the object");
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.substring(0, 40)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LedgerEntry.fromExportLine(line.replace("\"agreementVersion\":2",
                "\"agreementVersion\":\"2\""))).hasMessageContaining("not an integer");
    }
}
