package org.carebridge.gateway.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.carebridge.connectors.https.PartnerHttpsTransport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The HTTPS endpoints of the simulated children's services, police, virtual school and youth justice systems. */
class InboxServlet extends HttpServlet {

    private final Map<String, DemoInbox> inboxes;
    private final ObjectMapper json = new ObjectMapper();

    InboxServlet(Map<String, DemoInbox> inboxes) {
        this.inboxes = inboxes;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoInbox inbox = inbox(request);
        if (inbox == null) {
            response.sendError(404);
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        response.setStatus(inbox.receive(request.getHeader(PartnerHttpsTransport.MESSAGE_ID_HEADER), request.getContentType(), body));
    }

    /** A summary of the inbox: file names and the duplicate count. */
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoInbox inbox = inbox(request);
        if (inbox == null) {
            response.sendError(404);
            return;
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("partner", inbox.partnerId());
        summary.put("inbox", inbox.dir().toAbsolutePath().toString());
        summary.put("files", inbox.files().stream().map(Path::getFileName).map(Path::toString).toList());
        summary.put("duplicates", inbox.duplicates());
        response.setContentType("application/json");
        json.writeValue(response.getOutputStream(), summary);
    }

    private DemoInbox inbox(HttpServletRequest request) {
        String path = request.getPathInfo();
        return path == null ? null : inboxes.get(path.replaceAll("^/+|/+$", ""));
    }
}
