import { localHashVector } from './local-hash.js';

/** Runs in a CPU-pool thread: the vectors of `texts`, packed row after row into one transferable buffer. */
export function embedLocalHash(input: { texts: string[]; dimensions: number }): Float32Array {
  const packed = new Float32Array(input.texts.length * input.dimensions);
  input.texts.forEach((text, row) => packed.set(localHashVector(text, input.dimensions), row * input.dimensions));
  return packed;
}
