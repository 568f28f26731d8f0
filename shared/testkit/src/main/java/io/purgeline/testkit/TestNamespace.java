package io.purgeline.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class its own {@link Namespace} on the real local services, removed after the class. Register it as a
 * static field: {@code @RegisterExtension static final TestNamespace ns = new TestNamespace();}. A missing service
 * fails the test.
 */
public final class TestNamespace extends Namespace implements BeforeAllCallback, AfterAllCallback {
    @Override
    public TestNamespace with(String name, String value) {
        super.with(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open("t");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }
}
