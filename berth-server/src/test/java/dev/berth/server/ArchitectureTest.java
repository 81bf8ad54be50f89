package dev.berth.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceRule;
import dev.berth.server.runner.RunnerHealthMonitor;
import dev.berth.server.runner.RunnerHeartbeats;

/**
 * berth-server's packages by feature ({@code dev.berth.server.<feature>..}) import each other without cycles: where a
 * feature needs one that depends on it, it owns a port (an interface) the other implements. docker-java stays behind
 * berth-runner's engine adapter. berth-core's own ArchitectureTest keeps it free of frameworks. See the graph with
 * {@code scripts/package-graph}.
 */
@AnalyzeClasses(packages = "dev.berth", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * TEMPORARY (issue 10, one reconciler): the two runner loops still read sandbox rows. Once runner supplies
     * observations through a port and no longer imports sandbox, remove this and its ignoreDependency below.
     */
    static final DescribedPredicate<JavaClass> RUNNER_LOOPS_STILL_READING_SANDBOXES =
            belongToAnyOf(RunnerHeartbeats.class, RunnerHealthMonitor.class);

    @ArchTest
    static final ArchRule featuresAreFreeOfCycles = featureSlicesFreeOfCycles("dev.berth.server")
            .ignoreDependency(RUNNER_LOOPS_STILL_READING_SANDBOXES, resideInAPackage("dev.berth.server.sandbox.."));

    /**
     * Only the engine adapter (berth-runner's {@code docker} package) talks docker-java. TEMPORARY: the load bench in
     * {@code dev.berth.server.bench} still does and is being moved out of the server; then drop its exclusion.
     */
    @ArchTest
    static final ArchRule dockerJavaOnlyInTheEngineAdapter = noClasses()
            .that().resideOutsideOfPackages("dev.berth.runner.docker..", "dev.berth.server.bench..")
            .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..");

    /** The cycle rule for the features under {@code root}; {@link CycleRuleFailsOnACycleTest} runs it on a fixture. */
    static SliceRule featureSlicesFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").namingSlices("feature $1").should().beFreeOfCycles();
    }
}
