package org.carebridge.security;

import org.carebridge.security.agreement.AgreementSet;
import org.carebridge.security.partner.PartnerRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Tests against the repository's real partners and agreements, with a throwaway dev PKI for the certificates. */
public abstract class WithRealConfiguration {

    @TempDir
    protected static Path pkiDir;

    protected static PartnerRegistry registry;
    protected static AgreementSet agreements;

    @BeforeAll
    static void loadRealConfiguration() {
        registry = RealConfig.registry(pkiDir);
        agreements = RealConfig.agreements();
    }
}
