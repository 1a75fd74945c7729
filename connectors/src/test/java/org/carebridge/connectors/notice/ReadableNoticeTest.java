package org.carebridge.connectors.notice;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The readable notice for a placement copy, against its golden file; set -Dnotice.golden.write=true to rewrite it. */
class ReadableNoticeTest {

    private static final ReadableNotice.Context CONTEXT = new ReadableNotice.Context("placement-notification", 3,
            Instant.parse("2026-11-26T23:59:59Z"), "Set by the clock rule 'emergency-placement'.");

    @Test
    void aPlacementCopyReadsAsThePlainLanguageNotice() throws IOException {
        String notice = ReadableNotice.render(resource("placement-notification.json"), CONTEXT);

        Path golden = Path.of("src/test/resources/notice/expected/placement-notification.html");
        if (Boolean.getBoolean("notice.golden.write")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, notice);
        }
        assertThat(notice).isEqualTo(Files.readString(golden));
        assertThat(notice).contains("<h2>What happened</h2>", "<h2>When</h2>", "<h2>What to do</h2>", "<h2>Deadline</h2>",
                "information-sharing agreement &#39;placement-notification&#39;, version 3",
                "By 26 November 2026 at 23:59 (UK time).", "It happened on 19 November 2026 at 17:00.");
    }

    @Test
    void narrativeTextAndFieldsTheNoticeDoesNotNameAreNeverShown() throws IOException {
        String notice = ReadableNotice.render(resource("placement-notification.json"), CONTEXT);
        // the example copy carries the social worker's free-text summary and an ethnic category
        assertThat(notice).doesNotContain("Free-text summary").doesNotContain("Never shared").doesNotContain("Mixed British");
    }

    @Test
    void whatTheCopySaysIsEscapedNotInterpreted() {
        String copy = """
                {"resourceType":"Bundle","type":"message","entry":[
                 {"resource":{"resourceType":"MessageHeader","eventCoding":{"code":"missing-episode"},
                   "source":{"name":"<script>alert(1)</script>"}}},
                 {"resource":{"resourceType":"Patient","name":[{"family":"O'Brien & <b>Co</b>"}]}}]}""";
        String notice = ReadableNotice.render(copy.getBytes(StandardCharsets.UTF_8), new ReadableNotice.Context("missing-episode", 1, null, null));
        assertThat(notice).doesNotContain("<script>").doesNotContain("<b>")
                .contains("&lt;script&gt;").contains("O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;")
                .contains("No deadline applies to this notice.").contains("The copy does not say when it happened.");
    }

    @Test
    void aCopyThatIsNotJsonIsRefused() {
        assertThatThrownBy(() -> ReadableNotice.render("not json".getBytes(), CONTEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the copy is not a FHIR JSON Bundle");
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ReadableNoticeTest.class.getResourceAsStream("/notice/" + name)) {
            return in.readAllBytes();
        }
    }
}
