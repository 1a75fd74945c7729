package org.carebridge.gateway.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code /refusing/<anything>}: a partner system that refuses every copy it is sent about the copy itself (422), which
 * the gateway does not retry: the copy is dead-lettered at once. Lets someone trying the embedded default dead-letter a
 * copy from the console (point a partner's endpoint here), then change the endpoint back and re-deliver it.
 */
class RefusingServlet extends HttpServlet {

    static final String PATH = "/refusing";

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        request.getInputStream().readAllBytes();
        response.setStatus(422);
        response.setContentType("text/plain");
        response.getWriter().write("This demo address refuses every copy");
    }
}
