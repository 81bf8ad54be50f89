package dev.berth.server.runner;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A region runners belong to; a sandbox's {@code target}. */
@Entity
@Table(name = "region")
public class Region {

    @Id
    private String id;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected Region() {
    }

    public Region(String id, Instant createdAt) {
        this.id = id;
        this.createdAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
