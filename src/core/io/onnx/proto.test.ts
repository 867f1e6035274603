// The protobuf writer against hand-computed wire bytes and our reader; names as Python's str(dict) prints them;
// Conv+BN fusion against the formula.
import { describe, expect, it } from 'vitest';
import { fuseConvBn } from './fuse';
import { namesRepr, pyStrRepr } from './metadata';
import { ProtoWriter } from './proto';
import { readFields, readOnnxSummary } from './protoReader';
import { encodeModel } from './onnxProto';
import { OnnxExportError } from './export';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('varints, negative int64, floats, strings: the wire bytes protobuf defines', () => {
    expect(hex(new ProtoWriter().int(1, 150).finish())).toBe('089601'); // the protobuf docs' example
    expect(hex(new ProtoWriter().int(1, 300).finish())).toBe('08ac02');
    expect(hex(new ProtoWriter().int(1, 0).finish())).toBe('0800');
    // int64 -1: ten bytes, two's complement
    expect(hex(new ProtoWriter().int(1, -1).finish())).toBe('08ffffffffffffffffff01');
    expect(hex(new ProtoWriter().int(3, 2 ** 53 - 1).finish())).toBe('18ffffffffffffff0f');
    expect(hex(new ProtoWriter().float(2, 1.5).finish())).toBe('150000c03f');
    expect(hex(new ProtoWriter().string(4, 'hé').finish())).toBe('220368c3a9');
    // field 20 needs a two-byte tag: (20 << 3) | 0 = 160
    expect(hex(new ProtoWriter().int(20, 7).finish())).toBe('a00107');
    expect(() => new ProtoWriter().int(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new ProtoWriter().int(0, 1)).toThrow(RangeError);
  });

  it('nested messages and large payloads (kept by reference) decode back to the same fields', () => {
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    const inner = new ProtoWriter().string(1, 'w').bytes(9, big).ints(1, [3, -2]);
    const outer = new ProtoWriter().int(1, 7).message(5, inner).string(2, 'x');
    const bytes = outer.finish();
    expect(bytes.length).toBe(outer.length);
    const f = readFields(bytes);
    expect(f.map((x) => [x.field, x.wire])).toEqual([[1, 0], [5, 2], [2, 2]]);
    const g = readFields(f[1].value as Uint8Array);
    expect(g.map((x) => x.field)).toEqual([1, 9, 1, 1]);
    expect(Buffer.from(g[1].value as Uint8Array).equals(Buffer.from(big))).toBe(true);
    expect(g.slice(2).map((x) => BigInt.asIntN(64, x.value as bigint))).toEqual([3n, -2n]);
  });

  it('the reader refuses truncated input with a specific error', () => {
    const bytes = new ProtoWriter().string(2, 'hello').finish();
    let err: unknown;
    try {
      readFields(bytes.subarray(0, 4), 'cut.onnx');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnnxExportError);
    expect((err as OnnxExportError).code).toBe('bad_onnx');
    expect((err as Error).message).toMatch(/cut\.onnx: field 2 runs past the end/);
  });

  it('a ModelProto reads back: versions, metadata, symbolic and fixed dims', () => {
    const bytes = encodeModel({
      irVersion: 7, opset: 12, producerName: 'yolo-studio', metadata: [['stride', '32'], ['names', "{0: 'a'}"]],
      graph: {
        name: 'g', initializers: [{ name: 'two', dims: [], dataType: 'FLOAT', data: [2] }],
        nodes: [{ name: 'y', opType: 'Mul', inputs: ['x', 'two'], outputs: ['y'], attrs: [] }],
        inputs: [{ name: 'x', dims: ['batch', 3] }], outputs: [{ name: 'y', dims: ['batch', 3] }],
      },
    });
    expect(readOnnxSummary(bytes)).toEqual({
      irVersion: 7, opsets: [{ domain: '', version: 12 }], producerName: 'yolo-studio', metadata: { stride: '32', names: "{0: 'a'}" },
      inputs: [{ name: 'x', dims: ['batch', 3] }], outputs: [{ name: 'y', dims: ['batch', 3] }], ops: { Mul: 1 }, initializers: 1,
    });
  });
});

describe('metadata names: Python str(dict)', () => {
  it('quotes and escapes as CPython repr()', () => {
    expect(namesRepr(['person', 'traffic light'])).toBe("{0: 'person', 1: 'traffic light'}");
    expect(pyStrRepr("it's")).toBe(`"it's"`);
    expect(pyStrRepr('a"b')).toBe(`'a"b'`);
    expect(pyStrRepr(`x'y"z`)).toBe(`'x\\'y"z'`);
    expect(pyStrRepr('tab\there\\')).toBe("'tab\\there\\\\'");
    expect(pyStrRepr('café 猫')).toBe("'café 猫'");
    expect(pyStrRepr('\u00a0\u200b\x07')).toBe("'\\xa0\\u200b\\x07'");
  });
});

describe('fuseConvBn', () => {
  it('w * gamma / sqrt(var + eps), beta - gamma * mean / sqrt(var + eps), per output channel', () => {
    const sd = new Map([
      ['c.conv.weight', { data: Float32Array.of(1, -2, 3, 0.5), shape: [2, 2, 1, 1] }],
      ['c.bn.weight', { data: Float32Array.of(2, 0.5), shape: [2] }],
      ['c.bn.bias', { data: Float32Array.of(0.1, -0.3), shape: [2] }],
      ['c.bn.running_mean', { data: Float32Array.of(0.2, 4), shape: [2] }],
      ['c.bn.running_var', { data: Float32Array.of(0.999, 3), shape: [2] }],
    ]);
    const r = fuseConvBn(sd, 'c');
    const s = [2 / Math.sqrt(1), 0.5 / Math.sqrt(3.001)];
    expect(r.shape).toEqual([2, 2, 1, 1]);
    [1 * s[0], -2 * s[0], 3 * s[1], 0.5 * s[1]].forEach((v, i) => expect(r.weight[i]).toBeCloseTo(v, 6));
    [0.1 - 0.2 * s[0], -0.3 - 4 * s[1]].forEach((v, i) => expect(r.bias[i]).toBeCloseTo(v, 6));
    sd.delete('c.bn.running_var');
    expect(() => fuseConvBn(sd, 'c')).toThrow(/no tensor 'c\.bn\.running_var'/);
  });
});
