/**
 * Counts 32-bit feature hashes per feature class in typed arrays (open addressing, linear probing). A `Map`
 * did the same at a third of the speed; the local embedder runs over every chunk of a large index.
 * One table is reused text after text: a generation stamp marks live slots, so nothing is cleared between texts.
 */
export interface FeatureTable {
  /** Starts counting a new text. */
  reset(): void;
  add(hash: number, featureClass: number): void;
  /** Calls `visit` once per distinct (hash, class) seen since `reset`, with its count. */
  forEach(visit: (hash: number, featureClass: number, count: number) => void): void;
  readonly size: number;
}

export function createFeatureTable(initialCapacity = 8192): FeatureTable {
  let capacity = 1;
  while (capacity < initialCapacity) capacity *= 2;
  let keys = new Uint32Array(capacity);
  let counts = new Uint32Array(capacity);
  let classes = new Uint8Array(capacity);
  let stamps = new Uint32Array(capacity);
  let used = new Int32Array(capacity);
  let size = 0;
  let generation = 1;

  const insert = (hash: number, featureClass: number, amount: number): void => {
    const mask = capacity - 1;
    let slot = (hash ^ (featureClass * 0x9e3779b1)) & mask;
    for (;;) {
      if (stamps[slot] !== generation) {
        stamps[slot] = generation;
        keys[slot] = hash;
        classes[slot] = featureClass;
        counts[slot] = amount;
        used[size] = slot;
        size += 1;
        return;
      }
      if (keys[slot] === hash && classes[slot] === featureClass) {
        counts[slot]! += amount;
        return;
      }
      slot = (slot + 1) & mask;
    }
  };

  const grow = (): void => {
    const old = { keys, counts, classes, used, size };
    capacity *= 2;
    keys = new Uint32Array(capacity);
    counts = new Uint32Array(capacity);
    classes = new Uint8Array(capacity);
    stamps = new Uint32Array(capacity);
    used = new Int32Array(capacity);
    size = 0;
    generation = 1;
    for (let i = 0; i < old.size; i += 1) {
      const slot = old.used[i]!;
      insert(old.keys[slot]!, old.classes[slot]!, old.counts[slot]!);
    }
  };

  return {
    reset() {
      size = 0;
      generation += 1;
      if (generation === 0xffffffff) {
        stamps.fill(0);
        generation = 1;
      }
    },
    add(hash, featureClass) {
      if (size * 2 >= capacity) grow();
      insert(hash, featureClass, 1);
    },
    forEach(visit) {
      for (let i = 0; i < size; i += 1) {
        const slot = used[i]!;
        visit(keys[slot]!, classes[slot]!, counts[slot]!);
      }
    },
    get size() {
      return size;
    },
  };
}
