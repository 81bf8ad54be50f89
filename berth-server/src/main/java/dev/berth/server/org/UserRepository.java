package dev.berth.server.org;

import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface UserRepository extends JpaRepository<User, String> {

    Optional<User> findByIssuerAndSubject(String issuer, String subject);
}
