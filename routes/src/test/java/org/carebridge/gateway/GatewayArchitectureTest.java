package org.carebridge.gateway;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * A record's way runs one direction: adapter, intake, decision, record, delivery, with audit, storage and seal
 * underneath. Consumers of what is stored (clock, report, ig, console, admin) read through queries and hand new messages
 * in through an intake port they own.
 */
@AnalyzeClasses(packages = "org.carebridge.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class GatewayArchitectureTest {

    private static final String[] CONSUMERS = {
            "org.carebridge.gateway.clock..",
            "org.carebridge.gateway.report..",
            "org.carebridge.gateway.ig..",
            "org.carebridge.gateway.console..",
            "org.carebridge.gateway.admin.."};

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("org.carebridge.gateway.(*)..")
            .should().beFreeOfCycles()
            .because("a cycle makes every package in it depend on all the others, so none can change or be tested alone");

    @ArchTest
    static final ArchRule DECISION_BEFORE_RECORD = noClasses()
            .that().resideInAPackage("org.carebridge.gateway.decision..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(CONSUMERS,
                    "org.carebridge.gateway.adapter..",
                    "org.carebridge.gateway.intake..",
                    "org.carebridge.gateway.record..",
                    "org.carebridge.gateway.delivery.."))
            .because("deciding a message's recipients uses nothing of how it arrived, is stored or is delivered");

    @ArchTest
    static final ArchRule RECORD_BEFORE_DELIVERY = noClasses()
            .that().resideInAPackage("org.carebridge.gateway.record..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(CONSUMERS,
                    "org.carebridge.gateway.adapter..",
                    "org.carebridge.gateway.intake..",
                    "org.carebridge.gateway.delivery.."))
            .because("the record store keeps what intake decided; clocks and monitoring plug in through ports it owns");

    @ArchTest
    static final ArchRule DELIVERY_AFTER_INTAKE = noClasses()
            .that().resideInAPackage("org.carebridge.gateway.delivery..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(CONSUMERS,
                    "org.carebridge.gateway.adapter..",
                    "org.carebridge.gateway.intake..",
                    "org.carebridge.gateway.decision.."))
            .because("delivery sends stored copies and knows nothing of how their records came in");

    @ArchTest
    static final ArchRule AUDIT_AND_STORAGE_UNDERNEATH = noClasses()
            .that().resideInAnyPackage("org.carebridge.gateway.audit..", "org.carebridge.gateway.storage..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(CONSUMERS,
                    "org.carebridge.gateway.adapter..",
                    "org.carebridge.gateway.intake..",
                    "org.carebridge.gateway.decision..",
                    "org.carebridge.gateway.record..",
                    "org.carebridge.gateway.delivery.."))
            .because("the ledger and the payload vault sit under every step of a record's way and use none of them");

    @ArchTest
    static final ArchRule SEAL_UNDERNEATH = noClasses()
            .that().resideInAPackage("org.carebridge.gateway.seal..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(CONSUMERS,
                    "org.carebridge.gateway.adapter..",
                    "org.carebridge.gateway.intake..",
                    "org.carebridge.gateway.decision..",
                    "org.carebridge.gateway.record..",
                    "org.carebridge.gateway.delivery.."))
            .because("sealing protects a copy for delivery and uses nothing that comes before it or consumes what is stored");

    @ArchTest
    static final ArchRule CONSUMERS_SUBMIT_THROUGH_THEIR_OWN_PORT = noClasses()
            .that().resideInAnyPackage(CONSUMERS)
            .should().dependOnClassesThat().resideInAPackage("org.carebridge.gateway.intake..")
            .because("clocks, reports, IG, console and admin hand messages in through a port they own, never intake's classes");

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
