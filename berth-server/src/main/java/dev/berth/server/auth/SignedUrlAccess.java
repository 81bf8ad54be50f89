package dev.berth.server.auth;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The handler also serves callers holding a signed file URL for its sandbox, method and {@code path} parameter
 * (docs/signed-urls.md). It adds to the handler's {@link RequiresPermission} rule, which bearer callers still meet.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SignedUrlAccess {
}
