// Collects nodes and initializers while the exporter walks the model; every value gets a unique name, and the
// node that produces a value carries the same name (ONNX keeps node and value names in separate namespaces).
import type { AttrDef, NodeDef, TensorDef } from './onnxProto';

export const attr = {
  int: (name: string, value: number): AttrDef => ({ name, type: 'int', value }),
  ints: (name: string, value: readonly number[]): AttrDef => ({ name, type: 'ints', value }),
  float: (name: string, value: number): AttrDef => ({ name, type: 'float', value }),
  string: (name: string, value: string): AttrDef => ({ name, type: 'string', value }),
};

export class GraphBuilder {
  readonly nodes: NodeDef[] = [];
  readonly initializers: TensorDef[] = [];
  private readonly names = new Set<string>();
  private readonly shared = new Map<string, string>();

  /** A float32 initializer (weights, constants). */
  float(name: string, data: Float32Array | readonly number[], dims: readonly number[]): string {
    this.claim(name);
    this.initializers.push({ name, dims, dataType: 'FLOAT', data: data instanceof Float32Array ? data : Float32Array.from(data) });
    return name;
  }

  /** An int64 initializer (shapes, indices, slice bounds). */
  int64(name: string, data: readonly number[], dims: readonly number[] = [data.length]): string {
    this.claim(name);
    this.initializers.push({ name, dims, dataType: 'INT64', data });
    return name;
  }

  /** A small constant used in many places, written once: the same (type, dims, values) returns the same name. */
  constant(type: 'FLOAT' | 'INT64', data: readonly number[], dims: readonly number[] = [data.length]): string {
    const key = `${type}|${dims.join(',')}|${data.join(',')}`;
    const hit = this.shared.get(key);
    if (hit) return hit;
    const name = `const.${this.shared.size}`;
    if (type === 'FLOAT') this.float(name, data, dims);
    else this.int64(name, data, dims);
    this.shared.set(key, name);
    return name;
  }

  /** Adds `opType(inputs)` with one output named `name`; returns that name. */
  node(opType: string, name: string, inputs: readonly string[], attrs: readonly AttrDef[] = []): string {
    this.claim(name);
    this.nodes.push({ name, opType, inputs, outputs: [name], attrs });
    return name;
  }

  private claim(name: string): void {
    // A duplicate is an exporter bug, not bad input: two values of one name would silently alias in the graph.
    if (this.names.has(name)) throw new Error(`onnx export: value name '${name}' used twice`);
    this.names.add(name);
  }
}
