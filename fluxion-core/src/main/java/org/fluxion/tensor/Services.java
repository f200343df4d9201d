package org.fluxion.tensor;

import java.util.ServiceLoader;

/**
 * The implementations of this layer's service interfaces that the layers above provide, found with
 * {@link ServiceLoader} when first needed (a holder class: loading them costs a look at the class path once).
 */
final class Services {
    static final ReverseMode REVERSE_MODE = one(ReverseMode.class);

    private Services() {
    }

    /** The one implementation of {@code service} on the class path. */
    static <S> S one(Class<S> service) {
        return ServiceLoader.load(service, service.getClassLoader()).findFirst().orElseThrow(() ->
                new IllegalStateException("no implementation of " + service.getName() + " on the class path: "
                        + "fluxion-core's META-INF/services/" + service.getName() + " is missing (a jar repackaged "
                        + "from fluxion-core must keep its META-INF/services files)"));
    }
}
