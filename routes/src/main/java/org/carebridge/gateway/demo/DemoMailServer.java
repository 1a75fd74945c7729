package org.carebridge.gateway.demo;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.carebridge.security.partner.Partner;
import org.carebridge.security.partner.PartnerRegistry;
import org.carebridge.security.partner.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;

/**
 * The demo partners' secure mailbox: an SMTP server (GreenMail, 127.0.0.1 only) that takes the S/MIME messages for
 * every demo partner with {@code endpoint.transport: smtp}. Messages stay in memory; off in production.
 */
public class DemoMailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoMailServer.class);

    private final GreenMail mail;

    public DemoMailServer(PartnerRegistry registry, int port) {
        List<String> mailboxes = registry.all().stream()
                .filter(p -> p.endpoint() != null && p.endpoint().transport() == Transport.SMTP)
                .map(p -> p.endpoint().mailTo()).toList();
        mail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        log.info("Demo partners' secure mailbox (SMTP) on 127.0.0.1:{} for {}", mail.getSmtp().getPort(), mailboxes);
    }

    public int port() {
        return mail.getSmtp().getPort();
    }

    /** The messages received so far for one demo partner's address. */
    public List<MimeMessage> received(Partner partner) {
        String to = partner.endpoint().mailTo();
        return Arrays.stream(mail.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equalsIgnoreCase(to));
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).toList();
    }

    @Override
    public void close() {
        mail.stop();
    }
}
