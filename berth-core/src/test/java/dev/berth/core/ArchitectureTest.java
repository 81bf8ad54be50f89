package dev.berth.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** berth-core is plain Java: no framework, persistence, HTTP or engine client may leak in. */
@AnalyzeClasses(packages = "dev.berth.core", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreIsFrameworkFree = noClasses().that().resideInAPackage("dev.berth.core..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "org.springframework..", "jakarta..", "javax.persistence..", "org.hibernate..",
                    "java.net.http..", "com.github.dockerjava..", "java.sql..",
                    "com.fasterxml.jackson..", "tools.jackson..");

    @ArchTest
    static final ArchRule noCycles = slices().matching("dev.berth.core.(*)..").should().beFreeOfCycles();
}
