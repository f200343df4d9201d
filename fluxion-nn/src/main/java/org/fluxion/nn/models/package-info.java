/**
 * Reference architectures whose parameter names are those of their PyTorch counterparts (torchvision's
 * {@code resnet18}: {@code layer1.0.conv1.weight}...), so that a checkpoint exported from PyTorch loads by
 * name with {@code org.fluxion.train.StateDicts}.
 */
package org.fluxion.nn.models;
