package org.carebridge.gateway.console;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Sign-in, the start page, and the page that says an action is not allowed. */
@Controller
@ConsolePage
public class ConsolePages {

    private final ConsoleOidcProperties oidc;

    public ConsolePages(ConsoleOidcProperties oidc) {
        this.oidc = oidc;
    }

    @GetMapping("/console/sign-in")
    String signIn(@RequestParam(name = "error", required = false) String error,
                  @RequestParam(name = "signed-out", required = false) String signedOut,
                  @RequestParam(name = "expired", required = false) String expired,
                  @RequestParam(name = "wait", required = false) String wait,
                  @RequestParam(name = "oidc-error", required = false) String oidcError, Model model) {
        model.addAttribute("failed", error != null || wait != null || oidcError != null);
        model.addAttribute("oidcFailed", oidcError != null);
        model.addAttribute("wait", wait != null);
        model.addAttribute("signedOut", signedOut != null);
        model.addAttribute("expired", expired != null);
        model.addAttribute("oidc", oidc.enabled() ? oidc : null);
        model.addAttribute("oidcPath", ConsoleOidc.AUTHORIZATION_BASE + "/" + ConsoleOidc.REGISTRATION);
        return "console/sign-in";
    }

    @GetMapping({"/console", "/console/"})
    String start() {
        return "console/start";
    }

    @GetMapping("/console/forbidden")
    String forbidden(@RequestParam(name = "expired", required = false) String expired, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("expired", expired != null);
        return "console/forbidden";
    }
}
