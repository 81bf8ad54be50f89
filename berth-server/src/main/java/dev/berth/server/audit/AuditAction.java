package dev.berth.server.audit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the audit action of a handler method when the name derived from its route (see
 * {@link ActionNames}) reads badly, e.g. {@code @AuditAction("toolbox.files.folder.create")}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AuditAction {

    /** The action, dot-separated lower case: {@code <resource>.<verb>}. */
    String value();

    /** The target type, when the route's first segment does not name it; empty means derived. */
    String targetType() default "";
}
