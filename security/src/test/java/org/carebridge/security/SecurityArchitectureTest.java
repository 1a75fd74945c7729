package org.carebridge.security;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The security core is plain Java: no Camel, no Spring, no servlets, and it does not reach into the other modules. */
@AnalyzeClasses(packages = "org.carebridge.security", importOptions = ImportOption.DoNotIncludeTests.class)
class SecurityArchitectureTest {

    @ArchTest
    static final ArchRule NO_FRAMEWORKS_OR_OUTER_MODULES = noClasses()
            .that().resideInAPackage("org.carebridge.security..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.apache.camel..",
                    "org.springframework..",
                    "jakarta.servlet..",
                    "javax.servlet..",
                    "org.carebridge.connectors..",
                    "org.carebridge.gateway..");
}
