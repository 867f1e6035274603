// Errors raised by the loss when its inputs cannot describe a YOLOv5 batch (wrong shapes, targets out of range).
import { YoloError } from '../errors';

/**
 * Codes: LOSS_PRED_SHAPE, LOSS_ANCHORS, LOSS_TARGETS_SHAPE, LOSS_TARGET_VALUE, LOSS_TARGET_IMAGE,
 * LOSS_TARGET_CLASS, LOSS_HYP, LOSS_BALANCE, LOSS_BOX_SHAPE, LOSS_AUTOBALANCE.
 */
export class LossInputError extends YoloError {}
