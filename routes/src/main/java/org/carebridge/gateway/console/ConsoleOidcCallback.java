package org.carebridge.gateway.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

import java.io.IOException;

/**
 * The identity provider's redirect back arrives as a cross-site navigation, in which the browser neither sends nor
 * accepts the console's SameSite=Strict session cookie. Such a request is answered with a page that loads the same
 * callback again from this site (Sec-Fetch-Site then says same-origin), where the sign-in completes and its session
 * sticks. Browsers that send no Sec-Fetch-Site go straight through.
 */
final class ConsoleOidcCallback extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + ConsoleOidc.CALLBACK_BASE + "/")
                || !"cross-site".equals(request.getHeader("Sec-Fetch-Site"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String again = HtmlUtils.htmlEscape(request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString()));
        response.setStatus(200);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Signing in - CareBridge console</title>"
                + "<meta http-equiv=\"refresh\" content=\"0; url=" + again + "\"></head><body><main><p><a href=\"" + again
                + "\">Continue signing in</a></p></main></body></html>");
    }
}
