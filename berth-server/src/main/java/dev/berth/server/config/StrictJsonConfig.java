package dev.berth.server.config;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies say what they mean: a number or a boolean where the API expects a string (a name, a label value)
 * is a 400 naming the field, not silently turned into text ({@code "name": 123} used to become "123").
 */
@Configuration
public class StrictJsonConfig {

    @Bean
    JsonMapperBuilderCustomizer noScalarToStringCoercion() {
        return b -> b.withCoercionConfig(LogicalType.Textual, c -> c
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }
}
