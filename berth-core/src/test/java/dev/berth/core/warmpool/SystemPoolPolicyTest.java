package dev.berth.core.warmpool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.core.warmpool.SystemPoolPolicy.Command;
import dev.berth.core.warmpool.SystemPoolPolicy.Observed;
import dev.berth.core.warmpool.SystemPoolPolicy.Pool;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SystemPoolPolicyTest {

    private static Observed noTarget(String defaultRegion, Set<String> registered, int max, Pool... pools) {
        return new Observed(null, "home", defaultRegion, registered, 1, max, List.of(pools));
    }

    @Test
    void theFirstPoolIsMadeWhereCreatesGo() {
        var d = SystemPoolPolicy.decide(noTarget("home", Set.of("home"), 3));
        assertThat(d.target()).isEqualTo("home");
        assertThat(d.commands()).containsExactly(new Command.Create("home", 1, 3));
    }

    @Test
    void aRunnerRestartInTheHomeRegionMakesNoSecondPoolElsewhere() {
        // every runner at home not ready: creates go to "eu" meanwhile, but home's runners are still registered
        var d = SystemPoolPolicy.decide(noTarget("eu", Set.of("home", "eu"), 3, new Pool("p1", "home", 1, 3, 2)));
        assertThat(d.target()).isEqualTo("home");
        assertThat(d.commands()).isEmpty();
    }

    @Test
    void aPoolStrandedInAnotherRegionIsDrainedThenDeletedOnceEmpty() {
        Pool home = new Pool("p1", "home", 1, 3, 2);
        var d = SystemPoolPolicy.decide(noTarget("home", Set.of("home", "eu"), 3, home, new Pool("p2", "eu", 1, 3, 2)));
        assertThat(d.target()).isEqualTo("home");
        assertThat(d.commands()).containsExactly(new Command.Resize("p2", 0, 0));
        // drained but members left (still being removed): wait
        d = SystemPoolPolicy.decide(noTarget("home", Set.of("home", "eu"), 3, home, new Pool("p2", "eu", 0, 0, 1)));
        assertThat(d.commands()).isEmpty();
        d = SystemPoolPolicy.decide(noTarget("home", Set.of("home", "eu"), 3, home, new Pool("p2", "eu", 0, 0, 0)));
        assertThat(d.commands()).containsExactly(new Command.Delete("p2"));
    }

    @Test
    void withNoRunnerAtHomeThePoolStaysInItsRegionWhileRunnersAreRegisteredThere() {
        // no runner at home: the pool went where most runners were; one of them restarting moves nothing
        var d = SystemPoolPolicy.decide(noTarget("us", Set.of("eu", "us"), 3, new Pool("p1", "eu", 1, 3, 1)));
        assertThat(d.target()).isEqualTo("eu");
        assertThat(d.commands()).isEmpty();
    }

    @Test
    void thePoolMovesOnlyWhenItsRegionHasNoRunnerLeft() {
        // eu's runners were removed: a pool where creates go now, the old one drained
        var d = SystemPoolPolicy.decide(noTarget("us", Set.of("us"), 3, new Pool("p1", "eu", 1, 3, 1)));
        assertThat(d.target()).isEqualTo("us");
        assertThat(d.commands()).containsExactly(new Command.Resize("p1", 0, 0), new Command.Create("us", 1, 3));
        // runners registered at home later: the pool comes home
        d = SystemPoolPolicy.decide(noTarget("home", Set.of("home", "us"), 3, new Pool("p2", "us", 1, 3, 2)));
        assertThat(d.target()).isEqualTo("home");
        assertThat(d.commands()).containsExactly(new Command.Resize("p2", 0, 0), new Command.Create("home", 1, 3));
    }

    @Test
    void aChangedConfigurationResizesThePoolInForceAndMaxZeroDrainsAndDeletesIt() {
        Pool p = new Pool("p1", "home", 1, 3, 2);
        assertThat(SystemPoolPolicy.decide(new Observed(null, "home", "home", Set.of("home"), 2, 5, List.of(p)))
                .commands()).containsExactly(new Command.Resize("p1", 2, 5));
        assertThat(SystemPoolPolicy.decide(noTarget("home", Set.of("home"), 0, p)).commands())
                .containsExactly(new Command.Resize("p1", 0, 0));
        assertThat(SystemPoolPolicy.decide(noTarget("home", Set.of("home"), 0, new Pool("p1", "home", 0, 0, 0)))
                .commands()).containsExactly(new Command.Delete("p1"));
    }

    @Test
    void aConfiguredTargetKeepsOnlyItsPoolAndLeavesOtherRegionsToAdministrators() {
        var o = new Observed("eu", "home", "home", Set.of("home"), 1, 3,
                List.of(new Pool("admin", "home", 2, 2, 2), new Pool("p1", "eu", 1, 3, 0)));
        var d = SystemPoolPolicy.decide(o);
        assertThat(d.target()).isEqualTo("eu");
        assertThat(d.commands()).isEmpty();
    }
}
