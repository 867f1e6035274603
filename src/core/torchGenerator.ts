// PyTorch's CPU default generator (at::mt19937, 1.13) and its `tensor.uniform_(from, to)` for float32 tensors.
// Upstream's train.py calls torch.manual_seed(seed) and then builds Model(): every Conv2d draws its weight (and
// bias) from this stream, in module construction order. Reproducing the stream gives a model built from `seed`
// exactly the initial weights upstream's does, so a scratch run starts where upstream's starts.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;
/** float's 24 significand bits: uniform_ keeps the low 24 bits of a 32-bit draw (std::numeric_limits<float>::digits). */
const MASK24 = 0xffffff;
const DIVISOR24 = 1 / 16777216;

export class TorchGenerator {
  private readonly state = new Uint32Array(N);
  private next = N;

  /** torch.manual_seed(seed): mt19937 seeded with the seed's low 32 bits. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`TorchGenerator: seed must be an integer, got ${seed}`);
    const s = this.state;
    s[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let i = 1; i < N; i++) s[i] = (Math.imul(1812433253, s[i - 1] ^ (s[i - 1] >>> 30)) + i) >>> 0;
  }

  /** One 32-bit output (CPUGeneratorImpl::random()). */
  random(): number {
    if (this.next >= N) this.twist();
    let y = this.state[this.next++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * Fills `out` as `tensor.uniform_(from, to)` fills a contiguous float32 CPU tensor, element by element in memory
   * order: x = (r & 0xffffff) * 2^-24 in double, x * float(to - from) + from in double, rounded to float.
   */
  uniform(out: Float32Array, from: number, to: number): void {
    const lo = Math.fround(from);
    const span = Math.fround(Math.fround(to) - lo);
    for (let i = 0; i < out.length; i++) out[i] = ((this.random() & MASK24) * DIVISOR24) * span + lo;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER) | (s[(i + 1) % N] & LOWER);
      s[i] = (s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0)) >>> 0;
    }
    this.next = 0;
  }
}

/** nn.init.kaiming_uniform_(w, a=sqrt(5)) bound, in Python's double arithmetic: gain * sqrt(3 / fan_in). */
export function convWeightBound(fanIn: number): number {
  const gain = Math.sqrt(2.0 / (1 + Math.sqrt(5) ** 2));
  return Math.sqrt(3.0) * (gain / Math.sqrt(fanIn));
}

/** Conv2d.reset_parameters' bias bound: 1 / sqrt(fan_in). */
export function convBiasBound(fanIn: number): number {
  return 1 / Math.sqrt(fanIn);
}
