package dev.berth.server.limits;

import dev.berth.core.error.QuotaExceededException;
import dev.berth.core.error.UnavailableException;
import dev.berth.server.auth.Caller;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * Admission of long toolbox operations: a call that can wait for minutes (a command's timeout may be 24 h)
 * takes a slot of its API key, of its organization and of the replica, and an execute also reserves its
 * worst-case output from the replica's output budget. Nothing waits for a slot: a tenant over its limit is
 * answered 429 at once, so a flood never queues requests (or threads) behind it. Per replica (see
 * {@link LimitProperties}).
 */
@Component
public class LongOperations {

    private final LimitProperties props;
    private final Map<String, Semaphore> perKey = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> perOrg = new ConcurrentHashMap<>();
    /** Each organization's share of the output budget, so no single tenant can reserve all of it. */
    private final Map<String, OutputBudget> orgBudgets = new ConcurrentHashMap<>();
    private final Semaphore total;
    private final OutputBudget budget;

    public LongOperations(LimitProperties props) {
        this.props = props;
        this.total = new Semaphore(props.longOperationsTotal());
        this.budget = new OutputBudget(props.outputBudgetBytes());
    }

    /** A slot for a long operation that buffers no command output (session exec, file transfer). */
    public Permit begin(Caller caller) {
        return begin(caller, 0);
    }

    /**
     * A slot for a long operation that may buffer up to {@code outputBytes} of command output.
     *
     * @throws QuotaExceededException when the key or the organization has all its slots in use (429)
     * @throws UnavailableException   when the replica's slots or output budget are spent (503)
     */
    public Permit begin(Caller caller, long outputBytes) {
        // signed-URL holders have no key or user: each sandbox's links share one slot set
        String keyId = caller.apiKeyId() != null ? "key:" + caller.apiKeyId()
                : caller.signedUrl() != null ? "signed:" + caller.signedUrl().sandboxId() : "user:" + caller.userId();
        Semaphore key = perKey.computeIfAbsent(keyId, k -> new Semaphore(props.longOperationsPerKey()));
        Semaphore org = perOrg.computeIfAbsent(String.valueOf(caller.organizationId()),
                k -> new Semaphore(props.longOperationsPerOrg()));
        if (!key.tryAcquire()) {
            throw new QuotaExceededException(refusal(caller.apiKeyId() != null ? "API key"
                    : caller.signedUrl() != null ? "sandbox's signed links" : "user",
                    props.longOperationsPerKey(), "berth.limits.long-operations-per-key"));
        }
        if (!org.tryAcquire()) {
            key.release();
            throw new QuotaExceededException(refusal("organization", props.longOperationsPerOrg(),
                    "berth.limits.long-operations-per-org"));
        }
        if (!total.tryAcquire()) {
            key.release();
            org.release();
            throw new UnavailableException("this server is running its limit of " + props.longOperationsTotal()
                    + " long toolbox operations (berth.limits.long-operations-total); retry shortly");
        }
        OutputBudget orgBudget = orgBudgets.computeIfAbsent(String.valueOf(caller.organizationId()),
                k -> new OutputBudget(props.outputBudgetPerOrgBytes()));
        if (!orgBudget.reserve(outputBytes)) {
            key.release();
            org.release();
            total.release();
            throw new QuotaExceededException("this organization's commands already reserve " + orgBudget.reserved()
                    + " of the " + orgBudget.capacity() + " bytes of output one organization may hold "
                    + "(berth.limits.output-budget-per-org); retry when one finishes");
        }
        if (!budget.reserve(outputBytes)) {
            orgBudget.release(outputBytes);
            key.release();
            org.release();
            total.release();
            throw new UnavailableException("toolbox output budget exhausted: " + budget.reserved() + " of "
                    + budget.capacity() + " bytes are reserved by running commands (berth.limits.output-budget); "
                    + "retry shortly");
        }
        return new Permit(this, key, org, orgBudget, outputBytes);
    }

    /** Bytes of output currently reserved by running commands (for tests and metrics). */
    public long reservedOutputBytes() {
        return budget.reserved();
    }

    public long outputBudgetBytes() {
        return budget.capacity();
    }

    private static String refusal(String scope, int limit, String setting) {
        return "too many long-running toolbox operations for this " + scope + ": the limit is " + limit
                + " at once (" + setting + "); retry when one finishes";
    }

    private void end(Semaphore key, Semaphore org, OutputBudget orgBudget, long outputBytes) {
        budget.release(outputBytes);
        orgBudget.release(outputBytes);
        total.release();
        org.release();
        key.release();
    }

    /** A held slot; closing it (once) frees the slot and the output reservation. */
    public static final class Permit implements AutoCloseable {

        private final LongOperations owner;
        private final Semaphore key;
        private final Semaphore org;
        private final OutputBudget orgBudget;
        private final long outputBytes;
        private boolean closed;

        private Permit(LongOperations owner, Semaphore key, Semaphore org, OutputBudget orgBudget, long outputBytes) {
            this.owner = owner;
            this.key = key;
            this.org = org;
            this.orgBudget = orgBudget;
            this.outputBytes = outputBytes;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                owner.end(key, org, orgBudget, outputBytes);
            }
        }
    }
}
