import { AppError } from '../../src/errors.js';

/**
 * Checks an OpenAI-style `{data: [{index, embedding}]}` body and returns the vectors in input order.
 * Hand-written rather than a zod schema: a batch carries 64 × 1024 numbers and this runs for every batch.
 * `embedding` may be a float array or base64 little-endian float32 (what `encoding_format: base64` returns).
 */
export function parseEmbeddingsResponse(body: string, expected: number, dimensions: number, model: string): number[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw unusable(`a body that is not JSON (${body.slice(0, 80)})`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw unusable('a body without a `data` array');
  if (data.length !== expected) throw unusable(`${data.length} embeddings for ${expected} inputs`);

  const vectors = new Array<number[] | undefined>(expected);
  data.forEach((item: unknown, position) => {
    const { index = position, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected || vectors[index]) {
      throw unusable(`an embedding with a missing, repeated or out-of-range index (${String(index)})`);
    }
    const vector = typeof embedding === 'string' ? decodeBase64Floats(embedding) : embedding;
    if (!Array.isArray(vector) || !vector.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      throw unusable(`embedding ${index} that is not a list of numbers`);
    }
    if (vector.length !== dimensions) {
      throw new AppError(
        'UPSTREAM_UNAVAILABLE',
        `embedding endpoint returned ${vector.length} dimensions, the index needs ${dimensions}; ` +
          `model "${model}" does not fit this index (set EMBEDDINGS_MODEL to a ${dimensions}-dimension model)`,
        { via: 'embeddings', retryable: false, details: { returned: vector.length, expected: dimensions, model } },
      );
    }
    vectors[index] = vector as number[];
  });
  return vectors as number[][];
}

function decodeBase64Floats(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  // Copied into a fresh buffer: a pooled Buffer's offset need not be a multiple of 4.
  const aligned = new Uint8Array(bytes.byteLength - (bytes.byteLength % 4));
  aligned.set(bytes.subarray(0, aligned.length));
  return Array.from(new Float32Array(aligned.buffer));
}

function unusable(what: string): AppError {
  return new AppError('UPSTREAM_UNAVAILABLE', `embedding endpoint returned ${what}`, {
    via: 'embeddings',
    retryable: false,
  });
}
