package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The cycle rule is not vacuous: on a two-package fixture that imports both ways it fails and names the cycle. */
class CycleRuleFailsOnACycleTest {

    private static final String FIXTURE = "dev.berth.server.archfixture";

    @Test
    void aCycleBetweenTwoFeaturesFailsTheRule() {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
        assertThat(fixture.contain(dev.berth.server.archfixture.alpha.Alpha.class)).isTrue();

        assertThatThrownBy(() -> ArchitectureTest.featureSlicesFreeOfCycles(FIXTURE).check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected: feature alpha -> ")
                .hasMessageContaining("feature beta -> ");
    }

    @Test
    void withoutTheBackEdgeTheRulePasses() {
        JavaClasses oneWay = new ClassFileImporter().importPackages(FIXTURE + ".beta");
        ArchitectureTest.featureSlicesFreeOfCycles(FIXTURE).check(oneWay);
    }
}
