/**
 * A tokenizer-free estimate: ~4 characters per token for Latin text, ~1.5 for Hangul/CJK (BPE splits them finer).
 * Good to ±20 %, which is all routing and budget checks need; exact counts come from the server's `usage`.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) ascii++;
    else other++;
  }
  return Math.ceil(ascii / 4 + other / 1.5);
}
