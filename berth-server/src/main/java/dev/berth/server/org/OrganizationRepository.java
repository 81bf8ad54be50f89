package dev.berth.server.org;

import dev.berth.core.error.NotFoundException;
import jakarta.persistence.LockModeType;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface OrganizationRepository extends JpaRepository<Organization, String> {

    /** Locks the organization row for the rest of the transaction: serializes quota checks across replicas. */
    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select o from Organization o where o.id = :id")
    Optional<Organization> lockById(@Param("id") String id);

    /** Locks the organization's row for the rest of the transaction; 404 when there is none. */
    default Organization lockExisting(String id) {
        return lockById(id).orElseThrow(() -> new NotFoundException(
                "organization " + id + " not found"));
    }
}
