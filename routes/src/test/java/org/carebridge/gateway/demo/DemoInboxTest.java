package org.carebridge.gateway.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoInboxTest {

    private static final byte[] SEALED = {0x30, 0x03, 0x02, 0x01, 0x07};
    private static final byte[] OPENED = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final AtomicInteger opened = new AtomicInteger();

    private DemoInbox inbox() throws Exception {
        return new DemoInbox("vs-suffolk", dir, body -> {
            opened.incrementAndGet();
            if (body.length != SEALED.length) {
                throw new IllegalArgumentException("not sealed for this partner");
            }
            return OPENED;
        });
    }

    @Test
    void aSinkStoresSealedCopiesWithoutOpeningThemAndOpensOneLater() throws Exception {
        DemoInbox inbox = inbox();
        inbox.setOpenOnReceipt(false);

        assertThat(inbox.receive("copy-1", "application/pkcs7-mime", SEALED)).isEqualTo(200);

        assertThat(opened).hasValue(0);
        assertThat(inbox.files()).extracting(f -> f.getFileName().toString()).containsExactly("copy-1.p7m");
        assertThat(inbox.open(dir.resolve("copy-1.p7m"))).isEqualTo(OPENED);
        assertThat(opened).hasValue(1);
    }

    @Test
    void byDefaultAPartnerOpensEachSealedCopyAsItArrivesAndRefusesOneItCannotOpen() throws Exception {
        DemoInbox inbox = inbox();

        assertThat(inbox.receive("copy-1", "application/pkcs7-mime", SEALED)).isEqualTo(200);
        assertThat(inbox.receive("copy-2", "application/pkcs7-mime", new byte[]{1})).isEqualTo(400);

        assertThat(opened).hasValue(2);
        assertThat(Files.readAllBytes(dir.resolve("copy-1.json"))).isEqualTo(OPENED);
        assertThat(inbox.files()).extracting(f -> f.getFileName().toString()).containsExactly("copy-1.json", "copy-1.p7m");
    }

    @Test
    void openingAStoredCopyThatDoesNotOpenFails() throws Exception {
        DemoInbox inbox = inbox();
        inbox.setOpenOnReceipt(false);
        inbox.receive("copy-1", "application/pkcs7-mime", new byte[]{1});

        assertThatThrownBy(() -> inbox.open(dir.resolve("copy-1.p7m"))).isInstanceOf(IllegalArgumentException.class);
    }
}
