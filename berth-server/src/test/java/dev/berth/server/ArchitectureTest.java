package dev.berth.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceRule;

/**
 * berth-server's packages by feature ({@code dev.berth.server.<feature>..}) import each other without cycles: where a
 * feature needs one that depends on it, it owns a port (an interface) the other implements. docker-java stays behind
 * berth-runner's engine adapter. berth-core's own ArchitectureTest keeps it free of frameworks. See the graph with
 * {@code scripts/package-graph}.
 */
@AnalyzeClasses(packages = "dev.berth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = featureSlicesFreeOfCycles("dev.berth.server");

    /** Only the engine adapter (berth-runner's {@code docker} package) talks docker-java. */
    @ArchTest
    static final ArchRule dockerJavaOnlyInTheEngineAdapter = noClasses()
            .that().resideOutsideOfPackage("dev.berth.runner.docker..")
            .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..");

    /**
     * The control plane reaches a sandbox's agent through the narrow {@code SandboxAgent} port a runner hands out;
     * only the runner adapters construct the wire-protocol client.
     */
    @ArchTest
    static final ArchRule agentClientOnlyInRunnerAdapters = noClasses()
            .that().resideInAPackage("dev.berth.server..").and().resideOutsideOfPackage("dev.berth.server.runner..")
            .should().dependOnClassesThat().haveFullyQualifiedName("dev.berth.runner.agent.AgentClient");

    /** The cycle rule for the features under {@code root}; {@link CycleRuleFailsOnACycleTest} runs it on a fixture. */
    static SliceRule featureSlicesFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("feature $1").should().beFreeOfCycles();
    }
}
