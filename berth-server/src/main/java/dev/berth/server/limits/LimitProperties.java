package dev.berth.server.limits;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * What one tenant may make this control-plane replica hold at once (BERTH_LIMITS_...). All of them are
 * per replica: with N replicas behind one address the effective bound is N times the setting, the same as
 * the request rate limits; every replica is still protected on its own, which is what keeps it responsive.
 *
 * @param longOperationsPerKey   long toolbox operations (execute, code-run, a session exec that waits, file
 *                               download/upload) in flight for one API key (or user); 429 beyond
 * @param longOperationsPerOrg   the same for one organization, all its keys together; 429 beyond
 * @param longOperationsTotal    the same for all tenants together; 503 beyond. This bounds the request
 *                               threads long operations can take on JDK 17 (no virtual threads), so health
 *                               and short calls keep threads of Tomcat's pool (200)
 * @param outputBudget           bytes of command output all in-flight execute/code-run calls may buffer
 *                               together; each reserves the per-call output cap up front (503 when the
 *                               budget is spent). Empty = a quarter of the JVM's maximum heap
 * @param outputBudgetPerOrg     the most of the output budget one organization's commands may reserve (429
 *                               beyond), so one tenant cannot spend it for everyone. Empty = half the budget
 * @param maxJsonBody            largest JSON request body accepted (413 beyond); multipart uploads stream and
 *                               are not counted
 */
@Validated
@ConfigurationProperties("berth.limits")
public record LimitProperties(
        @DefaultValue("16") @Min(1) int longOperationsPerKey,
        @DefaultValue("32") @Min(1) int longOperationsPerOrg,
        @DefaultValue("128") @Min(1) int longOperationsTotal,
        DataSize outputBudget,
        DataSize outputBudgetPerOrg,
        @DefaultValue("8MB") DataSize maxJsonBody) {

    /** The output budget in bytes, defaulting to a quarter of the maximum heap. */
    public long outputBudgetBytes() {
        return outputBudget != null ? outputBudget.toBytes() : Runtime.getRuntime().maxMemory() / 4;
    }

    /** One organization's share of the output budget in bytes, defaulting to half of it. */
    public long outputBudgetPerOrgBytes() {
        return outputBudgetPerOrg != null ? outputBudgetPerOrg.toBytes() : outputBudgetBytes() / 2;
    }
}
