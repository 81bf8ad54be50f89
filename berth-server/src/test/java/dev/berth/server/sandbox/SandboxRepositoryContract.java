package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.core.sandbox.ErrorKind;
import dev.berth.core.sandbox.SandboxState;
import dev.berth.server.BerthIT;
import dev.berth.server.org.Organization;
import dev.berth.server.org.OrganizationRepository;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.transaction.support.TransactionTemplate;

/** Repository behaviour every supported database must show; run once per database by the subclasses. */
abstract class SandboxRepositoryContract extends BerthIT {

    @Autowired
    SandboxRepository repo;

    @Autowired
    SandboxStore store;

    @Autowired
    OrganizationRepository orgs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    dev.berth.server.org.OrganizationService organizations;

    String orgA;
    String orgB;
    final Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @BeforeEach
    void orgs() {
        orgA = UUID.randomUUID().toString();
        orgB = UUID.randomUUID().toString();
        orgs.save(new Organization(orgA, "a", now));
        orgs.save(new Organization(orgB, "b", now));
    }

    Sandbox sandbox(String org, String name, Instant created) {
        return new Sandbox(UUID.randomUUID().toString(), org, name, "berth/busybox", "berth/busybox:latest", "root",
                1, 1, 3, "{}", "{\"k\":\"v\"}", false, false, "us", 15, 60, -1, created);
    }

    @Test
    void lookupsAreScopedByOrganization() {
        Sandbox s = store.insert(sandbox(orgA, "box", now));
        assertThat(repo.findLive(orgA, s.getId())).isPresent();
        assertThat(repo.findLive(orgA, "box")).isPresent();
        assertThat(repo.findLive(orgB, s.getId())).isEmpty();
        assertThat(repo.findLive(orgB, "box")).isEmpty();
    }

    @Test
    void liveNamesAreUniquePerOrganizationAndReusableAfterDestroy() {
        Sandbox first = store.insert(sandbox(orgA, "same", now));
        assertThatThrownBy(() -> store.insert(sandbox(orgA, "same", now)))
                .isInstanceOf(DataIntegrityViolationException.class);
        store.insert(sandbox(orgB, "same", now));
        store.move(first.getId(), SandboxState.STARTED, "test", null);
        store.move(first.getId(), SandboxState.DESTROYING, "test", null);
        store.move(first.getId(), SandboxState.DESTROYED, "test", null);
        Sandbox second = store.insert(sandbox(orgA, "same", now));
        assertThat(repo.findLive(orgA, "same")).get().extracting(Sandbox::getId).isEqualTo(second.getId());
    }

    @Test
    void staleWritersLoseTheCompareAndSet() {
        String id = store.insert(sandbox(orgA, "cas", now)).getId();
        Sandbox stale = repo.findById(id).orElseThrow();
        store.move(id, SandboxState.STARTED, "test", null);
        stale.transition(SandboxState.ERROR, ErrorKind.ACTION_FAILED, "stale writer", now);
        assertThatThrownBy(() -> tx.executeWithoutResult(st -> repo.saveAndFlush(stale)))
                .isInstanceOf(OptimisticLockingFailureException.class);
        assertThat(repo.findById(id).orElseThrow().getState()).isEqualTo(SandboxState.STARTED);
    }

    @Test
    void pagesFollowCreationOrderFromTheCursor() {
        for (int i = 0; i < 5; i++) {
            store.insert(sandbox(orgA, "p" + i, now.plusMillis(i)));
        }
        var states = EnumSet.allOf(SandboxState.class);
        var first = repo.page(orgA, states, Instant.EPOCH, "", PageRequest.of(0, 2));
        assertThat(first).extracting(Sandbox::getName).containsExactly("p0", "p1");
        Sandbox last = first.get(1);
        var second = repo.page(orgA, states, last.getCreatedAt(), last.getId(), PageRequest.of(0, 10));
        assertThat(second).extracting(Sandbox::getName).containsExactly("p2", "p3", "p4");
        assertThat(repo.page(orgB, states, Instant.EPOCH, "", PageRequest.of(0, 10))).isEmpty();
    }

    /** Issue 9 finding 10: destroyed rows kept a foreign key on the organization, so deleting it was 409 forever. */
    @Test
    void anOrganizationWithOnlyDestroyedSandboxesCanBeDeleted() {
        String gone = store.insert(sandbox(orgA, "gone", now)).getId();
        store.move(gone, SandboxState.STARTED, "test", null);
        store.move(gone, SandboxState.DESTROYING, "test", null);
        store.move(gone, SandboxState.DESTROYED, "test", null);
        String othersGone = store.insert(sandbox(orgB, "gone", now)).getId();
        store.move(othersGone, SandboxState.STARTED, "test", null);
        store.move(othersGone, SandboxState.DESTROYING, "test", null);
        store.move(othersGone, SandboxState.DESTROYED, "test", null);
        String live = store.insert(sandbox(orgB, "live", now)).getId();
        var admin = new dev.berth.server.auth.Caller(null, null, "k", "p", "s", true,
                dev.berth.server.auth.Permission.all());
        // an organization with a live sandbox is still refused
        assertThatThrownBy(() -> organizations.delete(admin, orgB)).isInstanceOf(dev.berth.core.error.ConflictException.class);
        organizations.delete(admin, orgA);
        assertThat(orgs.findById(orgA)).isEmpty();
        assertThat(repo.findById(gone)).isEmpty();
        assertThat(repo.findById(othersGone)).isPresent();
        assertThat(repo.findById(live)).isPresent();
    }
}
