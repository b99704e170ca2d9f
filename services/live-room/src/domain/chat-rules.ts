// What a chat message may say: length and blocked words. Mute and rate limits are state, kept in
// Redis by the store; this is the part that needs nothing but the text.

export type ChatRefusal = { code: 'INVALID_ARGUMENT' | 'BLOCKED_WORD'; message: string };

export interface ChatRules {
  maxLength: number;
  blockedWords: readonly string[];
}

export function parseBlockedWords(list: string): string[] {
  return list
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w.length > 0);
}

/** The text to publish, or why it may not be. */
export function checkChatText(rules: ChatRules, raw: string): { ok: true; text: string } | ({ ok: false } & ChatRefusal) {
  const text = raw.trim();
  if (text.length === 0) return { ok: false, code: 'INVALID_ARGUMENT', message: 'text: must not be empty' };
  // Count code points, not UTF-16 units, so a Chinese or emoji message gets the same allowance.
  if ([...text].length > rules.maxLength) return { ok: false, code: 'INVALID_ARGUMENT', message: `text: at most ${rules.maxLength} characters` };
  // Compare without spaces and case so "f u c k" and "FUCK" are caught like "fuck".
  const folded = text.toLowerCase().replace(/\s+/g, '');
  const hit = rules.blockedWords.find((w) => folded.includes(w.replace(/\s+/g, '')));
  if (hit !== undefined) return { ok: false, code: 'BLOCKED_WORD', message: 'the message contains a word that is not allowed here' };
  return { ok: true, text };
}
