package dev.berth.server.runner;

import dev.berth.protocol.runner.JobType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/** A job for one runner about one resource; at most one unfinished per (runner, resource). */
@Entity
@Table(name = "job")
public class JobRow {

    @Id
    private String id;
    @Column(name = "runner_id", nullable = false)
    private String runnerId;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobType type;
    @Column(name = "resource_id", nullable = false)
    private String resourceId;
    @Column(nullable = false)
    private String payload;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private JobState state;
    private String traceparent;
    private String error;
    @Column(name = "timeout_at", nullable = false)
    private Instant timeoutAt;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;
    @Version
    private long version;

    protected JobRow() {
    }

    public JobRow(String id, String runnerId, JobType type, String resourceId, String payload, String traceparent,
            Instant now) {
        this.id = id;
        this.runnerId = runnerId;
        this.type = type;
        this.resourceId = resourceId;
        this.payload = payload;
        this.traceparent = traceparent;
        this.state = JobState.PENDING;
        this.timeoutAt = now.plus(type.timeout());
        this.createdAt = now;
        this.updatedAt = now;
    }

    public void claim(Instant now) {
        state = JobState.CLAIMED;
        updatedAt = now;
    }

    public void finish(boolean ok, String error, Instant now) {
        state = ok ? JobState.COMPLETED : JobState.FAILED;
        this.error = error == null ? null : error.substring(0, Math.min(error.length(), 4000));
        updatedAt = now;
    }

    public boolean isFinished() {
        return state == JobState.COMPLETED || state == JobState.FAILED;
    }

    public String getId() { return id; }
    public String getRunnerId() { return runnerId; }
    public JobType getType() { return type; }
    public String getResourceId() { return resourceId; }
    public String getPayload() { return payload; }
    public JobState getState() { return state; }
    public String getTraceparent() { return traceparent; }
    public String getError() { return error; }
}
