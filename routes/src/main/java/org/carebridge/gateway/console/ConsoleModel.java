package org.carebridge.gateway.console;

import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Puts the signed-in person into every console page's model. */
@ControllerAdvice(annotations = ConsolePage.class)
public class ConsoleModel {

    @ModelAttribute("who")
    Who who(Authentication user) {
        return Who.of(user);
    }
}
