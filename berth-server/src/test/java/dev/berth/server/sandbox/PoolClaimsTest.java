package dev.berth.server.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.berth.core.error.ConflictException;
import dev.berth.core.error.ForbiddenException;
import dev.berth.core.sandbox.Resources;
import dev.berth.server.config.LifecycleProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Combined claims (pure logic around the database, whose calls are stubbed): claims queued behind a turn are served
 * in one transaction; a refusal or a taken name concerns only its own claim, whatever tenant it shares the batch with;
 * a failure at commit is never retried (it may have committed).
 */
class PoolClaimsTest {

    private static final String POOL = "pool-1";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-04T12:00:00Z"), ZoneOffset.UTC);
    private static final Resources RES = new Resources(1, 1, 3);
    private static final LifecycleSettings LIFE = new LifecycleSettings(0, 0, 0, 0, null);

    private final SandboxRepository repo = mock(SandboxRepository.class);
    private final SandboxStore store = mock(SandboxStore.class);
    private final SandboxMapper mapper = mock(SandboxMapper.class);
    private final AtomicInteger members = new AtomicInteger();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    /** Runs the callback in place; the first one waits until the test lets it go, so claims queue behind it. */
    private final class Tx extends TransactionTemplate {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        volatile int failCommitOfCall = -1;

        @Override
        public <T> T execute(TransactionCallback<T> action) {
            int call = calls.incrementAndGet();
            Set<String> namesBefore = Set.copyOf(names);
            try {
                if (call == 1) {
                    release.await(10, TimeUnit.SECONDS);
                }
                T result = action.doInTransaction(mock(TransactionStatus.class));
                if (call == failCommitOfCall) {
                    throw new TransactionSystemException("connection reset during commit");
                }
                return result;
            } catch (RuntimeException e) {
                names.retainAll(namesBefore); // rolled back
                throw e;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Tx tx = new Tx();
    private final QuotaGate quotas = new QuotaGate() {
        @Override
        public void lockAndCheckCreate(String org, Resources r) {
            if (org.equals("suspended")) {
                throw new ForbiddenException("organization suspended is suspended");
            }
        }

        @Override
        public void lockAndCheckStart(String org, Resources r) {
        }

        @Override
        public void lockAndCheckClaim(String org, Resources r) {
            lockAndCheckCreate(org, r);
        }

        @Override
        public void lockAndCheckActive(String org) {
        }

        @Override
        public void lockAndCheckResize(String org, Resources from, Resources to, boolean running) {
        }
    };

    private PoolClaims claims() {
        when(mapper.toJson(any())).thenReturn("{}");
        when(repo.lockOneReady(POOL)).thenAnswer(inv -> {
            Sandbox s = new Sandbox("m" + members.incrementAndGet(), "berth-system", "m", "berth/busybox",
                    "berth/busybox", "root", 1, 1, 3, "{}", "{}", false, false, "us", 0, 0, 0, CLOCK.instant());
            s.poolFor(POOL);
            return List.of(s);
        });
        when(store.saveClaimed(any())).thenAnswer(inv -> {
            Sandbox s = inv.getArgument(0);
            if (!names.add(s.getOrganizationId() + "/" + s.getName())) {
                throw new DataIntegrityViolationException("duplicate name " + s.getName());
            }
            return s;
        });
        var lifecycle = new LifecycleProperties(true, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofDays(7), Duration.ofSeconds(2), 2, Duration.ZERO);
        return new PoolClaims(repo, store, quotas, mapper, tx, CLOCK, mock(ApplicationEventPublisher.class), lifecycle);
    }

    private static PoolClaims.Request request(String org, String name) {
        return new PoolClaims.Request(org, name, Map.of(), Map.of(), false, LIFE, RES);
    }

    /** The first claim takes the turn and holds it; the others queue behind it; then all are let go. */
    private List<Future<Object>> claimBehindAHeldTurn(PoolClaims c, List<PoolClaims.Request> rest) {
        List<Future<Object>> out = new ArrayList<>();
        out.add(threads.submit(() -> outcome(c, request("first", null))));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tx.calls.get() == 1);
        for (PoolClaims.Request r : rest) {
            out.add(threads.submit(() -> outcome(c, r)));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.queued(POOL) == rest.size());
        tx.release.countDown();
        return out;
    }

    private static Object outcome(PoolClaims c, PoolClaims.Request r) {
        try {
            Optional<Sandbox> s = c.claim(List.of(new PoolClaims.Candidate(POOL, false)), r);
            return s.map(x -> (Object) x).orElse("empty");
        } catch (RuntimeException e) {
            return e;
        }
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void aBatchServesEachTenantAndRefusesOnlyTheClaimsAtFault() throws Exception {
        PoolClaims c = claims();
        var results = claimBehindAHeldTurn(c, List.of(request("a", null), request("suspended", null),
                request("a", "dup"), request("b", null), request("a", "dup"), request("b", "dup")));
        List<Object> got = new ArrayList<>();
        for (var f : results) {
            got.add(f.get(20, TimeUnit.SECONDS));
        }
        assertThat(got.get(0)).isInstanceOf(Sandbox.class);
        assertThat(got.get(1)).isInstanceOf(Sandbox.class);
        assertThat(((Sandbox) got.get(1)).getOrganizationId()).isEqualTo("a");
        assertThat(got.get(2)).as("the suspended organization's claim").isInstanceOf(ForbiddenException.class);
        assertThat(got.get(3)).isInstanceOf(Sandbox.class);
        assertThat(got.get(4)).isInstanceOf(Sandbox.class);
        assertThat(got.get(5)).as("the second 'dup' of organization a").isInstanceOf(ConflictException.class);
        assertThat(got.get(6)).as("organization b's 'dup' is another name").isInstanceOf(Sandbox.class);
        // the six queued claims were tried together first (then one by one, after the taken name rolled it back)
        assertThat(tx.calls.get()).isEqualTo(1 + 1 + 6);
        // every sandbox handed out is a distinct pool member
        assertThat(got.stream().filter(Sandbox.class::isInstance).map(s -> ((Sandbox) s).getId()).distinct().count())
                .isEqualTo(5);
    }

    @Test
    void aCombinedClaimThatFailsAtItsCommitIsNotRetried() throws Exception {
        PoolClaims c = claims();
        tx.failCommitOfCall = 2; // the batch behind the first claim
        var results = claimBehindAHeldTurn(c, List.of(request("a", null), request("b", null), request("c", null)));
        assertThat(results.get(0).get(20, TimeUnit.SECONDS)).isInstanceOf(Sandbox.class);
        for (var f : results.subList(1, results.size())) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isInstanceOf(TransactionSystemException.class);
        }
        assertThat(tx.calls.get()).as("no second try of a batch that may have committed").isEqualTo(2);
    }

    @Test
    void anEmptyPoolAnswersEmptyToEveryClaimOfTheBatch() throws Exception {
        PoolClaims c = claims();
        when(repo.lockOneReady(anyString())).thenReturn(List.of());
        var results = claimBehindAHeldTurn(c, List.of(request("a", null), request("b", null)));
        for (var f : results) {
            assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo("empty");
        }
        assertThat(tx.calls.get()).isEqualTo(2);
    }
}
