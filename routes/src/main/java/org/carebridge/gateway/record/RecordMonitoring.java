package org.carebridge.gateway.record;

import org.carebridge.gateway.audit.AuditTrail;
import org.carebridge.gateway.decision.IncomingMessage;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The monitoring facts read from a record, written in the record's own transaction. Owned here and implemented by the
 * monthly report, so storing a record does not depend on what the report counts.
 */
public interface RecordMonitoring {

    void record(UUID trackingId, IncomingMessage message);

    /** As {@link #record} for each record (by tracking id, in order), in one batch where the implementation can. */
    default void recordAll(Map<UUID, IncomingMessage> messages) {
        messages.forEach(this::record);
    }

    /**
     * As {@link #recordAll}, as changes for the record store to run in the statement that writes the records' rows
     * ({@link AuditTrail#recordAllAfter}); an implementation that cannot records them now and returns none.
     */
    default List<AuditTrail.Change> recording(Map<UUID, IncomingMessage> messages) {
        recordAll(messages);
        return List.of();
    }
}
