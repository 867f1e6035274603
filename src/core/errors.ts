// Named error classes with a stable `code`, plus the file/line they are about, so the UI and CLI can say exactly
// what is wrong where. They cross the worker boundary as {name, message, code, stack}.

export class YoloError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;

  constructor(code: string, message: string, where: { file?: string; line?: number } = {}) {
    const prefix = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
    super(prefix + message);
    this.name = new.target.name;
    this.code = code;
    this.file = where.file;
    this.line = where.line;
  }
}

/** A model yaml / config that cannot describe a YOLOv5 model. */
export class ModelConfigError extends YoloError {}

/** A tensor or state_dict whose shape or contents do not fit the model. */
export class ShapeError extends YoloError {}
