package org.carebridge.gateway.intake;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The messages of a partner's file ({@code List<IntakeRequest>}), each its own record: each takes the intake route's
 * checks and decision ({@value IntakeRoute#DECIDE_ENDPOINT}) on its own exchange, on the file threads; a refusal is
 * that message's answer, not the batch's. The permitted ones are then stored together and handed to delivery
 * ({@link FileRecords}). The answer is each message's {@code StoredRecord} or {@link IntakeRejected}, in order.
 */
@Component
public class FileIntakeRoute extends RouteBuilder {

    public static final String ENDPOINT = "direct:intake-file";
    public static final String ROUTE_ID = "intake-file";

    private final int fileThreads;

    public FileIntakeRoute(@Value("${carebridge.formats.file-threads:2}") int fileThreads) {
        this.fileThreads = Math.max(1, fileThreads);
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId(ROUTE_ID)
                .routeConfigurationId("intake-errors")
                .split(body(), new InOrder()).parallelProcessing()
                    .executorService(getCamelContext().getExecutorServiceManager().newFixedThreadPool(this, "file-intake", fileThreads))
                    .doTry()
                        .to(IntakeRoute.DECIDE_ENDPOINT)
                    .doCatch(IntakeRejected.class)
                        .setBody(exchangeProperty(Exchange.EXCEPTION_CAUGHT))
                    .end()
                .end()
                .bean(FileRecords.class, "storeAll");
    }

    /** Each message's outcome at its place in the file, whatever order the file threads finish in. */
    static final class InOrder implements AggregationStrategy {

        @Override
        public Exchange aggregate(Exchange batch, Exchange message) {
            Exchange into = batch == null ? message : batch;
            if (message.getException() != null) {
                into.setException(message.getException());
                return into;
            }
            int index = message.getProperty(Exchange.SPLIT_INDEX, Integer.class);
            Object outcome = message.getMessage().getBody();
            if (batch == null) {
                List<Object> decided = new ArrayList<>(Collections.nCopies(message.getProperty(Exchange.SPLIT_SIZE, Integer.class), null));
                decided.set(index, outcome);
                into.getMessage().setBody(decided);
            } else {
                @SuppressWarnings("unchecked")
                List<Object> decided = into.getMessage().getBody(List.class);
                decided.set(index, outcome);
            }
            return into;
        }
    }
}
