/**
 * Command-line tools around {@link org.fluxion.spark}: {@code ./fluxion bench spark} ({@link
 * org.fluxion.spark.tools.SparkBench}, on {@code local[N]} and on a standalone cluster it starts itself, {@code
 * StandaloneCluster}), the checks of {@code scripts/cluster-test.sh} ({@link
 * org.fluxion.spark.tools.ClusterCheck}) and the model they train ({@code FashionMlp}).
 * May depend on {@code org.fluxion.spark} and the core and nn modules; nothing depends on it.
 */
package org.fluxion.spark.tools;
