package dev.berth.server.runner;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface RunnerRepository extends JpaRepository<Runner, String> {

    Optional<Runner> findByTokenHash(String tokenHash);

    List<Runner> findByRegion(String region);
}
