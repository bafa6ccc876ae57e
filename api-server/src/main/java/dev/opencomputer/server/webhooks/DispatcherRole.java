package dev.opencomputer.server.webhooks;

import dev.opencomputer.server.Roles;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches when {@code opencomputer.roles} includes {@code dispatcher}. */
class DispatcherRole implements Condition {

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Roles.of(context.getEnvironment()).has("dispatcher");
    }
}
