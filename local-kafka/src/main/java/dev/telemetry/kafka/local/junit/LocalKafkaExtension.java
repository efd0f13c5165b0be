package dev.telemetry.kafka.local.junit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * JUnit Jupiter extension that hands tests a real Kafka broker: one per test JVM, started on first use
 * (temporary directory, free ports) and stopped when the test run ends. It resolves {@link LocalKafka}
 * parameters of tests, lifecycle methods and constructors, and fills non-final {@link LocalKafka} fields,
 * static ones before {@code @BeforeAll}.
 *
 * <pre>{@code
 * @ExtendWith(LocalKafkaExtension.class)
 * class OrdersTest {
 *     @Test
 *     void shouldXWhenY(LocalKafka kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class LocalKafkaExtension implements ParameterResolver, BeforeAllCallback, TestInstancePostProcessor {

    private static final Namespace NAMESPACE = Namespace.create(LocalKafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return shared(extensionContext);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        injectFields(context.getRequiredTestClass(), null, context);
    }

    @Override
    public void postProcessTestInstance(Object testInstance, ExtensionContext context) throws IllegalAccessException {
        injectFields(testInstance.getClass(), testInstance, context);
    }

    /** The shared broker, started if this is its first use; stored at the root so every test class gets the same one. */
    public static LocalKafka shared(ExtensionContext context) {
        // The root store closes AutoCloseable values when the whole run ends, which stops the broker.
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class);
    }

    private static void injectFields(Class<?> testClass, Object instance, ExtensionContext context)
            throws IllegalAccessException {
        boolean statics = instance == null;
        for (Field field : ReflectionSupport.findFields(testClass,
                f -> f.getType() == LocalKafka.class
                        && Modifier.isStatic(f.getModifiers()) == statics
                        && !Modifier.isFinal(f.getModifiers()),
                HierarchyTraversalMode.TOP_DOWN)) {
            field.setAccessible(true);
            field.set(instance, shared(context));
        }
    }
}
