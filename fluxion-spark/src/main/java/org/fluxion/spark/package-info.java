/**
 * Fluxion on Apache Spark: synchronous data-parallel training in a barrier stage ({@link
 * org.fluxion.spark.SparkTrainer}: one model replica per task, gradients summed by a ring all-reduce between
 * the executors, the same optimizer update everywhere, atomic checkpoints and resumption after a lost executor),
 * training data from Fluxion data sets, {@code Dataset<Row>}s and Parquet files ({@link org.fluxion.spark.Shards}),
 * and distributed inference over a {@code Dataset<Row>}. Built only with the Maven profile {@code -Pspark}.
 */
package org.fluxion.spark;
