package org.fluxion.data;

import java.util.List;

/**
 * A classification set split into training and test data, with the class names in label order
 * and a short description of where it came from (for logs such as "training on ...").
 */
public record TrainTest(TensorDataset train, TensorDataset test, List<String> classes, String description) {
    public TrainTest {
        classes = List.copyOf(classes);
    }
}
