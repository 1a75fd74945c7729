package org.carebridge.connectors.sftp;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.support.SynchronizationAdapter;
import org.carebridge.connectors.inbound.Acknowledgement;
import org.carebridge.connectors.inbound.InboundFiles;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Polls one partner's outbox folder over SFTP. Each file is fetched to a local work folder, handed to that partner's
 * {@link InboundFiles} (the processor bound in the registry under the name given as parameter {@code files}, see
 * {@link #filesBean}), moved to {@code done/} (or {@code error/} when the file was
 * refused or could not be finished), and answered with an acknowledgement file in the partner's acknowledgement folder,
 * written under a temporary name and renamed when complete. Every option is a template parameter.
 *
 * <p>Instantiate with route id {@link #routeId}; the gateway adds, replaces and removes these while it runs.
 */
public class SftpInboundRouteTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "inbound-sftp";
    static final String FOLDER_PROPERTY = "CareBridgeInboundFolder";

    public static String routeId(String partnerId) {
        return TEMPLATE_ID + "-" + partnerId;
    }

    /** The registry name of a partner's file processor, bound before its route is added. */
    public static String filesBean(String partnerId) {
        return "inboundFiles-" + partnerId;
    }

    @Override
    public void configure() {
        String connection = "username={{username}}&password=RAW({{password}})&knownHostsFile={{knownHostsFile}}"
                + "&strictHostKeyChecking={{strictHostKeyChecking}}&useUserKnownHostsFile=false&connectTimeout={{connectTimeout}}";
        routeTemplate(TEMPLATE_ID)
                .templateParameter("partner")
                .templateParameter("files")
                .templateParameter("host")
                .templateParameter("port", "22")
                .templateParameter("username")
                .templateParameter("password")
                .templateParameter("knownHostsFile")
                .templateParameter("strictHostKeyChecking", "yes")
                .templateParameter("connectTimeout", "10000")
                .templateParameter("outbox")
                .templateParameter("ackFolder")
                .templateParameter("workDirectory")
                .templateParameter("delay", "10000")
                .templateParameter("maxMessagesPerPoll", "10")
                .from("sftp://{{host}}:{{port}}/{{outbox}}?" + connection
                        + "&localWorkDirectory={{workDirectory}}&delay={{delay}}&maxMessagesPerPoll={{maxMessagesPerPoll}}"
                        + "&recursive=false&filter=#class:" + PlainFileNames.class.getName()
                        + "&move=${exchangeProperty." + FOLDER_PROPERTY + "}/${file:onlyname}"
                        + "&moveFailed=error/${file:onlyname}")
                    .process(SftpInboundRouteTemplate::localCopy)
                    .process("{{files}}")
                    .to("sftp://{{host}}:{{port}}/{{ackFolder}}?" + connection + "&tempPrefix=.part-&fileExist=Override");
    }

    /** The fetched file's name and local copy, for the {@link InboundFiles} processor. */
    private static void localCopy(Exchange exchange) {
        GenericFile<?> file = exchange.getIn().getBody(GenericFile.class);
        if (file == null || !(file.getBody() instanceof File local)) {
            throw new IllegalStateException("the fetched file has no local copy; set localWorkDirectory");
        }
        exchange.getIn().setHeader(InboundFileProcessor.NAME_HEADER, file.getFileNameOnly());
        exchange.getIn().setHeader(InboundFileProcessor.LOCAL_COPY_HEADER, local.toPath());
    }

    /** Wraps a partner's {@link InboundFiles} as the template's processor: body in, acknowledgement out. */
    public static InboundFileProcessor processor(InboundFiles files) {
        return new InboundFileProcessor(files);
    }

    /** Runs the partner's file handling and turns its acknowledgement into the file written back. */
    public static final class InboundFileProcessor implements org.apache.camel.Processor {

        static final String NAME_HEADER = "CareBridgeInboundName";
        static final String LOCAL_COPY_HEADER = "CareBridgeInboundLocalCopy";

        private final InboundFiles files;

        InboundFileProcessor(InboundFiles files) {
            this.files = files;
        }

        @Override
        public void process(Exchange exchange) {
            String name = exchange.getIn().getHeader(NAME_HEADER, String.class);
            try (Acknowledgement ack = files.receive(name, exchange.getIn().getHeader(LOCAL_COPY_HEADER, Path.class))) {
                exchange.setProperty(FOLDER_PROPERTY, ack.refused() ? "error" : "done");
                exchange.getIn().removeHeaders("CareBridgeInbound*");
                exchange.getIn().setHeader(Exchange.FILE_NAME, name + ".ack.csv");
                exchange.getIn().setBody(written(exchange, ack));
            }
        }

        /** The acknowledgement written to a local file as it is read (a large file's answer is large), deleted once sent. */
        private static File written(Exchange exchange, Acknowledgement ack) {
            try {
                Path csv = Files.createTempFile("carebridge-ack-", ".csv");
                exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                    @Override
                    public void onDone(Exchange done) {
                        try {
                            Files.deleteIfExists(csv);
                        } catch (IOException e) {
                            // a temporary answer of line outcomes (no personal data) left for the system to clean
                        }
                    }
                });
                try (Writer out = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                    ack.writeCsv(out);
                }
                return csv.toFile();
            } catch (IOException e) {
                throw new UncheckedIOException("the acknowledgement cannot be written to a local file", e);
            }
        }
    }
}
