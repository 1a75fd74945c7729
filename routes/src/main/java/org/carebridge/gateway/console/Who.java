package org.carebridge.gateway.console;

import org.carebridge.gateway.ig.IgRole;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The signed-in person as pages see them: name and roles, so a page offers only what the person may do. */
public record Who(String name, List<String> roles, boolean admin, boolean operator, boolean igOfficer, boolean auditor) {

    public static Who of(Authentication user) {
        if (user == null || !user.isAuthenticated() || user.getPrincipal() instanceof String anonymous && "anonymousUser".equals(anonymous)) {
            return null;
        }
        Set<String> held = user.getAuthorities().stream().map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
        List<String> roles = Arrays.stream(IgRole.values()).filter(r -> held.contains(r.authority())).map(IgRole::configName).toList();
        return new Who(user.getName(), roles, held.contains(IgRole.ADMIN.authority()), held.contains(IgRole.OPERATOR.authority()),
                held.contains(IgRole.IG_OFFICER.authority()), held.contains(IgRole.AUDITOR.authority()));
    }

    /** May see the operator and administrator pages. */
    public boolean operations() {
        return admin || operator || auditor;
    }

    /** May read agreements and their drafts. */
    public boolean agreements() {
        return admin || igOfficer || auditor;
    }

    /** May see the information-governance pages. */
    public boolean ig() {
        return igOfficer || auditor;
    }
}
