/**
 * TensorBoard's event files, written without TensorFlow: {@link org.fluxion.train.tensorboard.SummaryWriter}
 * (scalars, histograms, images, text, jit graphs), {@link org.fluxion.train.tensorboard.TensorBoardLogger}
 * (a training callback, as Keras's), and the TFRecord framing ({@link org.fluxion.train.tensorboard.TfRecords}).
 *
 * <p>Each file is a sequence of records (length, masked CRC-32C of the length, data, masked CRC-32C of the
 * data), each holding one {@code Event} protocol buffer of TensorBoard's {@code event.proto}, encoded with
 * protobuf-java's {@code CodedOutputStream} by field number: no generated classes, no {@code protoc}.
 */
package org.fluxion.train.tensorboard;
