package dev.berth.server.audit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.servlet.handler.MappedInterceptor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Registers the audit interceptor as a {@link MappedInterceptor} bean rather than through
 * {@code WebMvcConfigurer#addInterceptors}: every handler mapping picks such beans up, so calls
 * routed outside the annotated controllers (e.g. a toolbox WebSocket handshake mapping) are
 * audited too.
 */
@Configuration
public class AuditConfiguration {

    @Bean
    MappedInterceptor auditInterceptor(AuditTrail trail, JsonMapper json,
            JdbcTemplate jdbc) {
        return new MappedInterceptor(new String[] {"/api/**"}, new AuditInterceptor(trail, json,
                id -> !jdbc.queryForList("select id from organization where id = ?", String.class, id).isEmpty()));
    }
}
