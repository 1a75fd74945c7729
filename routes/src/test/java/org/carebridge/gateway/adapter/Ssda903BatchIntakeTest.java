package org.carebridge.gateway.adapter;

import org.carebridge.connectors.inbound.Acknowledgement;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A file's records are stored in batches, several per transaction, yet each is still its own record: decided, stored
 * and audited alone, stored whole or not at all when storage fails part-way through a file, and never twice when the
 * file (or a row of it) comes again.
 */
class Ssda903BatchIntakeTest extends Ssda903Returns {

    private final LocalDate placed = LocalDate.now(ZoneId.of("Europe/London")).minusDays(2);

    @Test
    void eachRowOfABatchIsItsOwnRecordAndARepeatedRowIsStoredOnce() throws IOException {
        List<String> children = children("Q", 2);
        String first = children.get(0);
        Path zip = zip(children, EPISODES + episode(first) + episode(first) + episode(children.get(1)));

        Acknowledgement ack = inbound().receive("return.zip", zip);

        assertThat(ack.summary()).isEqualTo("2 accepted, 1 duplicate, 2 read");
        List<Acknowledgement.Line> episodes = ack.lines().stream().filter(l -> l.table().equals("Episodes")).toList();
        assertThat(episodes).extracting(Acknowledgement.Line::line).containsExactly(2L, 3L, 4L);
        assertThat(episodes).extracting(Acknowledgement.Line::outcome).containsExactly(Acknowledgement.Outcome.ACCEPTED,
                Acknowledgement.Outcome.DUPLICATE, Acknowledgement.Outcome.ACCEPTED);
        assertThat(episodes.get(1).trackingId()).isEqualTo(episodes.get(0).trackingId());
        for (Acknowledgement.Line accepted : List.of(episodes.get(0), episodes.get(2))) {
            UUID tracking = UUID.fromString(accepted.trackingId());
            assertThat(jdbc.queryForObject("select count(*) from decision where tracking_id = ?", Long.class, tracking)).isEqualTo(4);
            assertThat(jdbc.queryForObject("select count(*) from data_key where tracking_id = ?", Long.class, tracking)).isOne();
            assertThat(jdbc.queryForObject("select count(*) from delivery where tracking_id = ?", Long.class, tracking)).isEqualTo(3);
            assertThat(ledger(tracking, "RECEIVED")).isOne();
            assertThat(ledger(tracking, "DECIDED") + ledger(tracking, "DENIED")).isEqualTo(4);
        }
    }

    @Test
    void aFailureMidFileLeavesEachRecordWholeOrAbsentAndTheFileSentAgainCompletesIt() throws IOException {
        List<String> children = children("Q", 5);
        Path zip = zip(children, episodes(children, placed));
        List<String> ids = children.stream().map(this::messageId).toList();
        long before = records();
        // the third record's decisions cannot be stored: its intake_record row is written first, then the insert fails
        jdbc.execute("""
                create function batch_test_spoil() returns trigger language plpgsql as $$
                begin
                    if exists (select 1 from intake_record r where r.tracking_id = new.tracking_id and r.message_id = '%s') then
                        raise exception 'storage failed';
                    end if;
                    return new;
                end $$""".formatted(ids.get(2)));
        jdbc.execute("create trigger batch_test_spoil before insert on decision for each row execute function batch_test_spoil()");
        try {
            assertThatThrownBy(() -> inbound().receive("return.zip", zip)).isInstanceOf(RuntimeException.class);
        } finally {
            jdbc.execute("drop trigger batch_test_spoil on decision");
            jdbc.execute("drop function batch_test_spoil()");
        }

        assertThat(stored(ids)).containsExactly(ids.get(0), ids.get(1));
        assertThat(records()).isEqualTo(before + 2);
        for (String id : ids.subList(0, 2)) {
            UUID tracking = jdbc.queryForObject("select tracking_id from intake_record where sender = 'cs-suffolk' and message_id = ?",
                    UUID.class, id);
            assertThat(jdbc.queryForObject("select count(*) from decision where tracking_id = ?", Long.class, tracking)).isEqualTo(4);
            assertThat(jdbc.queryForObject("select count(*) from delivery where tracking_id = ?", Long.class, tracking)).isEqualTo(3);
            assertThat(ledger(tracking, "RECEIVED")).isOne();
        }

        Acknowledgement again = inbound().receive("return.zip", zip);

        assertThat(again.summary()).isEqualTo("3 accepted, 2 duplicate, 5 read");
        assertThat(stored(ids)).containsExactlyElementsOf(ids);
        assertThat(records()).isEqualTo(before + 5);
    }

    private String episode(String child) {
        return episode(child, placed);
    }

    private Path zip(List<String> children, String episodes) throws IOException {
        return zip(Files.createTempFile(dir, "return", ".zip"), children, episodes);
    }

    /** As the mapper derives it: sender, child, event and date. */
    private String messageId(String child) {
        return UUID.nameUUIDFromBytes(("ssda903|cs-suffolk|" + child + "|placement-notification|" + placed)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private List<String> stored(List<String> ids) {
        return ids.stream().filter(id -> jdbc.queryForObject(
                "select count(*) from intake_record where sender = 'cs-suffolk' and message_id = ?", Long.class, id) == 1).toList();
    }

    private long ledger(UUID tracking, String kind) {
        return jdbc.queryForObject("""
                select (select count(*) from audit_outbox where tracking_id = ? and kind = ?)
                     + (select count(*) from audit_entry where tracking_id = ? and kind = ?)""",
                Long.class, tracking.toString(), kind, tracking.toString(), kind);
    }
}
