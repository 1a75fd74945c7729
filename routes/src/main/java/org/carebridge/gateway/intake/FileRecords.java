package org.carebridge.gateway.intake;

import org.carebridge.gateway.decision.RoutedMessage;
import org.carebridge.gateway.delivery.DeliveryDispatcher;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.record.RecordStore;
import org.carebridge.gateway.record.StoredRecord;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;

/** The decided messages of a file stored together ({@link RecordStore#storeAll}) and handed to delivery. */
@Component
public class FileRecords {

    private final RecordStore store;
    private final DeliveryDispatcher dispatcher;

    public FileRecords(RecordStore store, DeliveryDispatcher dispatcher) {
        this.store = store;
        this.dispatcher = dispatcher;
    }

    /**
     * @param decided each message's {@link RoutedMessage}, or the {@link IntakeRejected} that stopped it
     * @return in the same order, each one's {@link StoredRecord}, or its refusal
     */
    public List<Object> storeAll(List<?> decided) {
        List<RoutedMessage> routed = decided.stream().filter(RoutedMessage.class::isInstance).map(RoutedMessage.class::cast).toList();
        List<StoredRecord> stored = routed.isEmpty() ? List.of() : store.storeAll(routed);
        stored.forEach(dispatcher::dispatch);
        List<Object> answers = new ArrayList<>(decided.size());
        int next = 0;
        for (Object one : decided) {
            answers.add(one instanceof RoutedMessage ? stored.get(next++) : one);
        }
        return answers;
    }
}
