package org.carebridge.security.consent;

import java.util.Collection;
import java.util.List;

/** The consent registry as the decision sees it: every consent recorded for any of a subject's identifiers. */
@FunctionalInterface
public interface ConsentLookup {

    List<ConsentRecord> forSubjects(Collection<SubjectIdentifier> subjects);
}
