package org.fluxion.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fluxion demo}: a short tour of the tensor core. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show a short tour of tensors, broadcasting, reductions and matmul.")
final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("Fluxion demo");
        return 0;
    }
}
