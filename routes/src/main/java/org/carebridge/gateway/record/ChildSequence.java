package org.carebridge.gateway.record;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * The copies about one child to one partner that needs per-child order, in the order their records were accepted
 * ({@code delivery.accepted_seq}, one sequence for every node). A copy may be sent only when every earlier one is
 * delivered, dead-lettered or erased; one that comes off the broker too early is held here, off the broker, until then.
 */
@Component
public class ChildSequence {

    /** An earlier copy in the same partner's and child's sequence that has not reached a final state. */
    static final String EARLIER_WAITING = """
            exists (select 1 from delivery e
                    where e.recipient = d.recipient and e.child_key = d.child_key and e.accepted_seq < d.accepted_seq
                      and e.state in ('QUEUED', 'FAILED'))""";

    private final JdbcTemplate jdbc;
    private final UrgentLane urgentLane;

    public ChildSequence(JdbcTemplate jdbc, UrgentLane urgentLane) {
        this.jdbc = jdbc;
        this.urgentLane = urgentLane;
    }

    /** True when an earlier copy about the same child to the same partner is still to be delivered. */
    public boolean waitsForEarlier(UUID deliveryId) {
        Boolean waits = jdbc.queryForObject("select coalesce((select " + EARLIER_WAITING
                + " from delivery d where d.delivery_id = ? and d.child_key is not null), false)", Boolean.class, deliveryId);
        return Boolean.TRUE.equals(waits);
    }

    /**
     * Takes the copy off the broker: it waits, undispatched and held, for the copies before it. Committed before the
     * broker's message is acknowledged, and synchronously, since the message is then gone.
     */
    public void hold(UUID deliveryId) {
        jdbc.update("""
                update delivery set held = true, dispatched = false, claimed_by = null, claimed_at = null
                where delivery_id = ? and state in ('QUEUED', 'FAILED')""", deliveryId);
    }

    /**
     * The copies held in this partner's and child's sequence, to be handed to the broker again, in acceptance order;
     * those still too early are held again when they come off the broker. Each stays marked held until a dispatcher
     * claims it ({@link DeliveryStore#claimForDispatch}), so the batch that first sent it cannot mark it sent meanwhile.
     */
    public List<DeliveryOrder> release(String recipient, String childKey) {
        return jdbc.query("""
                select d.delivery_id, d.tracking_id, d.recipient, r.event, r.message_id,
                       exists (select 1 from record_clock c where c.tracking_id = d.tracking_id and c.rule_id = any (?)), d.child_key
                from delivery d join intake_record r on r.tracking_id = d.tracking_id
                where d.recipient = ? and d.child_key = ? and d.held and not d.dispatched and d.state in ('QUEUED', 'FAILED')
                order by d.accepted_seq""",
                (rs, i) -> new DeliveryOrder(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6), rs.getString(7)),
                urgentLane.rules(), recipient, childKey);
    }
}
