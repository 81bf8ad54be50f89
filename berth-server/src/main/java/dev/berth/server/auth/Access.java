package dev.berth.server.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an endpoint, when no specific permission is needed. Every handler declares
 * either this or {@link RequiresPermission}; an undeclared handler is refused (fail closed).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Access {

    Level value();

    /** Access levels. */
    enum Level {
        /** No authentication (health, config). */
        PUBLIC,
        /** Any authenticated user, with or without an organization (users/me, creating an organization). */
        ANY_USER,
        /** Any member of the caller's organization (reads). */
        MEMBER,
        /** System administrators only (/api/admin). */
        SYSTEM_ADMIN,
        /** Runner processes, authenticated by their runner token (/api/runner/...). */
        RUNNER
    }
}
