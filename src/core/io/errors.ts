import { YoloError } from '../errors';
/**
 * Every failure while reading or writing a .pt file is a CheckpointError with a stable `code`
 * (callers switch on it) and a message naming the file and the offending entry/key/offset.
 */
export type CheckpointErrorCode =
  | 'not_zip' // no end-of-central-directory record: not a zip (or a legacy pre-1.6 torch file)
  | 'legacy_format' // torch < 1.6 non-zip serialization
  | 'truncated' // a record points past the end of the file
  | 'zip_corrupt' // inconsistent zip structure (signatures, sizes)
  | 'zip_unsupported' // compression method / encryption / zip64 sizes we do not read
  | 'crc_mismatch'
  | 'missing_data_pkl'
  | 'missing_storage'
  | 'storage_size' // storage numel does not match its zip record, or a tensor reaches past its storage
  | 'pickle_opcode' // unknown or malformed opcode
  | 'pickle_limit' // a count or length exceeds our limits
  | 'pickle_stack' // stack underflow, missing MARK, wrong operand types
  | 'global_not_allowed' // a GLOBAL outside the whitelist, e.g. os.system
  | 'bad_value' // a whitelisted constructor got arguments it does not accept
  | 'not_checkpoint' // the pickle is not a checkpoint dict / state_dict
  | 'unsupported_module' // the model uses module classes we cannot build
  | 'bad_model' // model fields (yaml, tensors) inconsistent
  | 'write_limit'; // something we were asked to write cannot be represented

/** Errors reading or writing .pt files; a YoloError, so the CLI and the worker report them like any other. */
export class CheckpointError extends YoloError {
  declare readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string) {
    super(code, message);
  }
}
