package org.carebridge.gateway.ig;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.provisioning.UserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** Sign-in of local users (IG API, console, admin API), behind {@link IgSignInThrottle}. */
public final class IgSignIn implements AuthenticationProvider {

    private final DaoAuthenticationProvider passwords;
    private final UserDetailsManager users;
    private final IgSignInThrottle throttle;

    IgSignIn(DaoAuthenticationProvider passwords, UserDetailsManager users, IgSignInThrottle throttle) {
        this.passwords = passwords;
        this.users = users;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication attempt) throws AuthenticationException {
        String user = attempt.getName();
        String address = attempt.getDetails() instanceof WebAuthenticationDetails details ? details.getRemoteAddress() : null;
        boolean known = user != null && users.userExists(user);
        throttle.check(user, known, address);
        try {
            Authentication signedIn = passwords.authenticate(attempt);
            throttle.succeeded(user, address);
            return signedIn;
        } catch (BadCredentialsException e) {
            throttle.failed(user, known, address);
            throw e;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
