package dev.berth.server.runner;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface RunnerRepository extends JpaRepository<Runner, String> {

    Optional<Runner> findByTokenHash(String tokenHash);

    boolean existsByEmbeddedFalseAndState(RunnerState state);
}
