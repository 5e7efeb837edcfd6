/** A marker longer than this is not a citation: it is printed as it came. */
const MAX_MARKER = 200;

/**
 * Turns streamed answer text with `[passage-id]` markers into text with `[n]`, numbering passages in the order
 * they are first cited. A marker split across deltas is held back until its `]` arrives; `reset()` starts a new
 * attempt (an escalation streams anew) with fresh numbers.
 */
export function createCitationRenderer(known: (id: string) => boolean = () => true) {
  let numbers = new Map<string, number>();
  let pending = '';

  const replace = (text: string) =>
    text.replace(/\[([^\]\s]+)\]/g, (marker, id: string) => {
      if (!known(id)) return marker;
      if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
      return `[${numbers.get(id)}]`;
    });

  return {
    /** The part of `delta` (with what was held back) that can be shown now. */
    push(delta: string): string {
      const text = pending + delta;
      const open = text.lastIndexOf('[');
      if (open >= 0 && !text.includes(']', open) && text.length - open <= MAX_MARKER) {
        pending = text.slice(open);
        return replace(text.slice(0, open));
      }
      pending = '';
      return replace(text);
    },
    /** What is still held back (an unclosed `[`), as it came. */
    flush(): string {
      const rest = pending;
      pending = '';
      return rest;
    },
    /** Renders a whole text with the current numbers (adding new ones). */
    render: (text: string) => replace(text),
    reset() {
      numbers = new Map();
      pending = '';
    },
    /** Cited ids in their numbers' order. */
    cited: (): string[] => [...numbers.keys()],
  };
}
